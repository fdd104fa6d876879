"""The deployment files agree with each other about the site repository, the live builds and the deploy key."""

from __future__ import annotations

import re
import shlex
from pathlib import PurePosixPath

import yaml

from formhandler.config import default_config
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
DOCKERFILE = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
UNIT = (DEPLOY / "systemd" / "alliantie-formhandler.service").read_text(encoding="utf-8")
ENV_EXAMPLE = dict(
    line.split("=", 1)
    for line in (DEPLOY / "formhandler.env.example").read_text().splitlines()
    if re.match(r"^[A-Z_]+=", line)
)


def mounts(service: str) -> dict[str, str]:
    """Container path -> volume (with ':ro' when read only) of one compose service."""
    result = {}
    for entry in COMPOSE["services"][service].get("volumes", []):
        volume, path, *mode = entry.split(":")
        result[path] = volume + (":" + mode[0] if mode else "")
    return result


def key_folder(ssh_command: str) -> str:
    """The folder of the key file in a GIT_SSH_COMMAND."""
    words = shlex.split(ssh_command)
    return str(PurePosixPath(words[words.index("-i") + 1]).parent)


def test_compose_keeps_the_site_repository_the_builds_and_the_key_in_volumes():
    env = COMPOSE["services"]["app"]["environment"]
    app, nginx = mounts("app"), mounts("nginx")
    live = str(PurePosixPath(env["FORMHANDLER_SITE_DIR"]).parent)
    assert env["FORMHANDLER_PUBLISH_TARGET"] == "git" and env["FORMHANDLER_SITE_BUILD"] == "live"
    assert app[env["FORMHANDLER_SITE_REPO"]] == "site-repo" and app[live] == "live"
    assert app[key_folder(env["GIT_SSH_COMMAND"])] == "ssh"
    assert nginx == {live: "live:ro"}  # the same path in both containers: the link is relative
    assert {"site-repo", "live", "ssh"} <= set(COMPOSE["volumes"])
    assert f"--root {env['FORMHANDLER_SITE_DIR']}" in DOCKERFILE


def test_the_image_gives_those_folders_to_the_apps_user():
    env = COMPOSE["services"]["app"]["environment"]
    made = re.findall(r"install -d -o alliantie -g alliantie -m (\d+) ([^\\\n&]+)", DOCKERFILE)
    owned = {path: mode for mode, paths in made for path in paths.split()}
    live = str(PurePosixPath(env["FORMHANDLER_SITE_DIR"]).parent)
    assert owned[env["FORMHANDLER_SITE_REPO"]] == owned[live] == "0755"
    assert owned[key_folder(env["GIT_SSH_COMMAND"])] == "0700"
    assert "git openssh-client" in DOCKERFILE


def test_the_systemd_unit_may_write_only_where_publishing_writes():
    writable = re.search(r"^ReadWritePaths=(.+)$", UNIT, re.MULTILINE)
    assert writable
    live = str(PurePosixPath(ENV_EXAMPLE["FORMHANDLER_SITE_DIR"]).parent)
    assert set(writable.group(1).split()) == {"/srv/alliantie/instance", ENV_EXAMPLE["FORMHANDLER_SITE_REPO"], live}
    assert key_folder(ENV_EXAMPLE["GIT_SSH_COMMAND"]) not in writable.group(1)  # the key is read, never written
    assert f"install -d -o alliantie -g alliantie -m 0755 {ENV_EXAMPLE['FORMHANDLER_SITE_REPO']} {live}" in UNIT


def test_the_env_example_names_only_real_settings_and_no_secret_in_git():
    settings = set(default_config("instance"))
    named = {name.removeprefix("FORMHANDLER_") for name in ENV_EXAMPLE if name.startswith("FORMHANDLER_")}
    assert named <= settings, named - settings
    assert ENV_EXAMPLE["FORMHANDLER_PUBLIC_URL"].startswith("https://")
    assert "@" not in ENV_EXAMPLE["GIT_SSH_COMMAND"] and "token" not in ENV_EXAMPLE["GIT_SSH_COMMAND"].lower()
