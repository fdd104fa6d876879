"""The live site on this server: real production builds, the atomic switch, a failed build, rollback, pruning."""

from __future__ import annotations

import os

import pytest

from formhandler import publishing, queue
from formhandler.config import ConfigError
from tests.formhandler.helpers import add_item, db_session
from tests.site_repository import editor_commits, git

pytestmark = pytest.mark.slow
PUBLIC = "https://www.example.test"


@pytest.fixture
def served(tmp_path):
    """Where nginx would serve the site from: a link that each build switches."""
    (tmp_path / "www").mkdir()
    return tmp_path / "www" / "live"


@pytest.fixture
def live_app(make_app, site_repo, served):
    """The app publishing through git and building the live site after every publication."""
    return make_app(
        PUBLISH_TARGET="git",
        SITE_REPO=str(site_repo),
        CONTENT_DIR=str(site_repo / "content"),
        SITE_BUILD="live",
        SITE_DIR=str(served),
        PUBLIC_URL=PUBLIC,
        SITE_BUILDS_KEPT=2,
    )


def publish(app, **item):
    """Publish a new signed application in a request-like context; the Publication."""
    with app.app_context(), db_session(app) as session:
        stored = add_item(session, "getekend", "svg", **item)
        fresh = queue.get(session, stored.id)
        assert fresh is not None
        return publishing.publish(session, fresh, app.config["CONTENT_DIR"], "reviewer.anna")


def live_build(served) -> str:
    """The name of the build the served link points at."""
    return os.readlink(served).rsplit("/", 1)[1]


def test_a_publication_goes_live_in_a_new_build_with_the_public_address(live_app, served):
    first = live_app.test_cli_runner().invoke(args=["site", "build"])
    assert first.exit_code == 0, first.output
    before = live_build(served)
    assert (served / "partners" / "stichting-oude-naam" / "index.html").is_file()

    publication = publish(live_app)
    assert publication.build and publication.build.endswith(publication.commit[:12]) and not publication.build_error
    assert served.is_symlink() and live_build(served) == publication.build != before
    page = (served / "partners" / "stichting-gezonde-wijk" / "index.html").read_text(encoding="utf-8")
    assert "Stichting Gezonde Wijk is partner van de Alliantie Nederland Rookvrij!" in page
    assert f"<loc>{PUBLIC}/partners/stichting-gezonde-wijk/</loc>" in (served / "sitemap.xml").read_text()
    assert "127.0.0.1" not in (served / "robots.txt").read_text()
    old = served.parent / "live-builds" / before
    assert not (old / "partners" / "stichting-gezonde-wijk").exists()  # the old build was never touched


def test_a_broken_build_keeps_the_old_site_and_names_the_line(live_app, served, site_remote, site_repo):
    runner = live_app.test_cli_runner()
    assert runner.invoke(args=["site", "build"]).exit_code == 0
    before = live_build(served)
    broken = "Title: Kapot\nSlug: kapot\nType: vereniging\nSince: 2024-01-01\n\nKapot.\n"
    editor_commits(site_remote[1], {"content/partners/kapot.md": broken}, "Een fout record")
    result = runner.invoke(args=["site", "build"])
    assert result.exit_code == 1
    assert "De build van de site is mislukt; de vorige versie blijft online." in result.stderr
    assert "content/partners/kapot.md:3: Type: moet een van deze zijn" in result.stderr
    assert str(site_repo) not in result.stderr
    assert live_build(served) == before and (served / "partners" / "index.html").is_file()
    assert not [p for p in (served.parent / "live-builds").iterdir() if p.name.startswith(".bouwt-")]


def test_a_build_that_fails_during_a_publication_is_told_to_the_reviewer(make_app, site_repo, served, session):
    app = make_app(
        PUBLISH_TARGET="git",
        SITE_REPO=str(site_repo),
        CONTENT_DIR=str(site_repo / "content"),
        SITE_BUILD="live",
        SITE_DIR=str(served),
        PUBLIC_URL=PUBLIC,
        SITE_BUILD_TIMEOUT=0.01,
    )
    publication = publish(app)
    assert publication.commit and not publication.build  # published all the same: the commit stands
    assert publication.build_error == (
        "De build van de site duurde langer dan 0.01 seconden en is gestopt; de vorige versie blijft online."
    )
    assert not served.exists()


def test_rollback_puts_the_previous_build_back_and_old_builds_are_pruned(live_app, served):
    runner = live_app.test_cli_runner()
    assert runner.invoke(args=["site", "build"]).exit_code == 0
    first = live_build(served)
    second = publish(live_app).build
    third = publish(live_app, organisation_name="Stichting Twee").build
    builds = sorted(p.name for p in (served.parent / "live-builds").iterdir() if not p.name.startswith("."))
    assert builds == sorted([second, third]) and first not in builds  # SITE_BUILDS_KEPT=2

    result = runner.invoke(args=["site", "rollback"])
    assert result.exit_code == 0 and f"Build {second} staat weer online." in result.output
    assert live_build(served) == second and not (served / "partners" / "stichting-twee").exists()
    again = runner.invoke(args=["site", "rollback"])
    assert again.exit_code == 1 and "Er is geen eerdere build om naar terug te gaan." in again.stderr
    forward = runner.invoke(args=["site", "rollback", "--to", third])
    assert forward.exit_code == 0 and (served / "partners" / "stichting-twee" / "index.html").is_file()
    status = runner.invoke(args=["site", "status"])
    assert f"  {third}  ← online" in status.output and "Siterepository:" in status.output


def test_a_served_folder_that_is_no_link_is_left_alone(live_app, served):
    served.mkdir()
    (served / "index.html").write_text("de oude site")
    result = live_app.test_cli_runner().invoke(args=["site", "build"])
    assert result.exit_code == 1 and "is een gewone map, geen symbolische link" in result.stderr
    assert (served / "index.html").read_text() == "de oude site"


def test_building_here_needs_site_build_live(git_app):
    result = git_app.test_cli_runner().invoke(args=["site", "build"])
    assert result.exit_code == 1 and "SITE_BUILD staat op ‘none’" in result.stderr
    status = git_app.test_cli_runner().invoke(args=["site", "status"])
    assert status.exit_code == 0 and "Build op deze server: geen" in status.output


@pytest.mark.parametrize("url", ["", "http://www.example.test"])
def test_a_live_build_needs_the_https_address(make_app, url):
    with pytest.raises(ConfigError, match="SITE_BUILD=live bouwt de site voor het publiek"):
        make_app(SITE_BUILD="live", PUBLIC_URL=url)


def test_a_build_is_readable_for_the_web_server_under_the_services_umask(live_app, served):
    old = os.umask(0o027)  # the systemd unit's UMask: the queue's files stay private
    try:
        assert live_app.test_cli_runner().invoke(args=["site", "build"]).exit_code == 0
    finally:
        os.umask(old)
    build = served.parent / "live-builds" / live_build(served)
    modes = {oct(path.stat().st_mode & 0o777) for path in [build, *build.rglob("*")]}
    assert modes == {"0o755", "0o644"} and oct(build.parent.stat().st_mode & 0o777) == "0o755"


def test_a_build_leaves_the_working_copy_clean(live_app, site_repo, monkeypatch):
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)  # as under systemd: Python writes bytecode
    assert live_app.test_cli_runner().invoke(args=["site", "build"]).exit_code == 0
    assert git(site_repo, "status", "--porcelain", "--untracked-files=all", "--ignored") == ""
    assert publish(live_app).build  # and the next publication is not refused for a dirty tree
