"""Only a production build reaches the public: `make publish` refuses without https, the example CI deploys only it."""

from __future__ import annotations

import os
import subprocess

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8"))
REFUSAL = "make publish bouwt de site voor het publiek en heeft daarvoor het echte https-adres nodig"


def make(*args: str, siteurl: str | None) -> subprocess.CompletedProcess:
    """`make` in the checkout, with SITEURL set to `siteurl` (or unset)."""
    env = {key: value for key, value in os.environ.items() if key != "SITEURL"}
    if siteurl is not None:
        env["SITEURL"] = siteurl
    return subprocess.run(["make", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "siteurl", [None, "", "http://127.0.0.1:8000", "http://www.alliantienederlandrookvrij.nl", "https://"]
)
def test_make_publish_refuses_anything_but_an_https_address(siteurl):
    result = make("publish", siteurl=siteurl)
    assert result.returncode == 2 and REFUSAL in result.stderr
    assert "pelican" not in result.stdout  # nothing was built


def test_make_publish_builds_with_the_address_it_was_given():
    result = make("--dry-run", "publish", siteurl="https://www.example.org")
    assert result.returncode == 0, result.stderr
    assert 'SITEURL="https://www.example.org" .venv/bin/pelican content -s publishconf.py -o output' in result.stdout


def run_lines(job: dict) -> list[str]:
    """The shell commands of a job's steps, in order."""
    return [step["run"] for step in job["steps"] if "run" in step]


def test_the_example_ci_builds_for_production_only():
    build = WORKFLOW["jobs"]["build"]
    commands = run_lines(build)
    assert commands.index("make check") < commands.index("make publish")
    assert not [c for c in commands if "make build" in c or "make serve" in c]
    assert WORKFLOW["env"]["SITEURL"].startswith("https://")
    assert any("127.0.0.1" in c and "output/" in c for c in commands)  # a development address fails the run
    uploads = [s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert [s["with"]["path"] for s in uploads] == ["output/"]
    assert uploads[0]["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"


def test_the_example_ci_deploys_only_a_green_build_of_main():
    deploy = WORKFLOW["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    # `on:` reads as True in YAML 1.1: the workflow runs on pushes to main and on pull requests.
    triggers = WORKFLOW[True]
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers
