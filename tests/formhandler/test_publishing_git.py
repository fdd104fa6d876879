"""Publishing through git: real repositories (a bare remote, the server's clone, an editor's clone) and the real git."""

from __future__ import annotations

import errno
import os
import threading

import pytest
from sqlalchemy.exc import OperationalError

from formhandler import publishing, queue
from formhandler.publishing import PublishError
from tests.formhandler.helpers import CHANGE_KINDS, CONTACT, PARTNER_SVG, add_change, add_item, db_session
from tests.site_repository import commit_files, editor_commits, git, reject_pushes, remote_head

REVIEWER = "reviewer.anna"
RECORD = "content/partners/stichting-gezonde-wijk.md"
LOGO = "content/logos/stichting-gezonde-wijk.svg"


def publish(app, item_id: int, actor: str = REVIEWER):
    """Publish one item in a session and app context of its own, as a request does."""
    with app.app_context(), db_session(app) as session:
        item = queue.get(session, item_id)
        assert item is not None
        return publishing.publish(session, item, app.config["CONTENT_DIR"], actor)


def state(app, item_id: int) -> tuple[str, str]:
    with db_session(app) as session:
        item = queue.get(session, item_id)
        return item.state, item.published_commit


def clean(repository) -> bool:
    return git(repository, "status", "--porcelain", "--untracked-files=all") == ""


def test_an_application_is_one_commit_of_its_record_and_logo_by_the_reviewer(git_app, session, site_repo, site_remote):
    remote, _editor = site_remote
    item = add_item(session, "getekend", "svg")
    before = remote_head(remote)
    publication = publish(git_app, item.id)

    assert publication.commit == git(site_repo, "rev-parse", "HEAD").strip() == remote_head(remote)  # pushed
    assert git(site_repo, "rev-parse", f"{publication.commit}~1").strip() == before
    assert commit_files(site_repo, publication.commit) == [f"A {LOGO}", f"A {RECORD}"]
    author = git(site_repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%B", publication.commit)
    assert author.startswith(f"{REVIEWER} <bureau@alliantienederlandrookvrij.nl>|{REVIEWER} <bureau@")
    assert "Nieuwe partner: Stichting Gezonde Wijk (aanmelding nr. 1)" in author
    shown = git(site_repo, "show", "--format=%an%n%ae%n%cn%n%ce%n%B", publication.commit).lower()
    for value in [*CONTACT.values(), item.motivation, item.contribution_text, "12345678", "utrecht"]:
        assert value.lower() not in shown
    assert clean(site_repo)
    assert state(git_app, item.id) == ("gepubliceerd", publication.commit)
    with db_session(git_app) as fresh:
        assert f"in commit {publication.commit[:12]}" in queue.get(fresh, item.id).events[-1].note


def test_an_editors_commit_pushed_meanwhile_is_kept(git_app, session, site_repo, site_remote):
    remote, editor = site_remote
    theirs = editor_commits(editor, {"content/partners/stichting-oude-naam.md": None}, "Oude Naam eraf")
    item = add_item(session, "getekend", "svg")
    publication = publish(git_app, item.id)
    assert git(site_repo, "rev-parse", f"{publication.commit}~1").strip() == theirs  # a fast-forward, then ours
    assert remote_head(remote) == publication.commit
    assert not (site_repo / "content/partners/stichting-oude-naam.md").exists()


def test_an_editors_record_of_the_same_name_makes_publishing_refuse(git_app, session, site_repo, site_remote):
    remote, editor = site_remote
    theirs = editor_commits(editor, {RECORD: "Title: Van de redacteur\n"}, "Gezonde Wijk, met de hand")
    item = add_item(session, "getekend", "svg")
    with pytest.raises(PublishError, match=r"partners/stichting-gezonde-wijk\.md bestaat al"):
        publish(git_app, item.id)
    assert git(site_repo, "rev-parse", "HEAD").strip() == theirs == remote_head(remote)
    assert (site_repo / RECORD).read_text() == "Title: Van de redacteur\n" and clean(site_repo)
    assert state(git_app, item.id) == ("getekend", "")


def test_an_editors_change_to_an_approved_record_makes_the_change_refuse(git_app, session, site_repo, site_remote):
    remote, editor = site_remote
    item = add_change(session, site_repo / "content", "samenvatting")
    path = "content/partners/stichting-oude-naam.md"
    edited = (site_repo / path).read_text() + "\nDoor de redactie aangevuld.\n"
    theirs = editor_commits(editor, {path: edited}, "Oude Naam aangevuld")
    with pytest.raises(PublishError, match="is gewijzigd sinds de wijziging werd goedgekeurd"):
        publish(git_app, item.id)
    assert remote_head(remote) == theirs and (site_repo / path).read_text() == edited and clean(site_repo)
    assert state(git_app, item.id) == ("goedgekeurd", "")


def test_a_remote_that_rejects_the_push_leaves_no_local_commit(git_app, session, site_repo, site_remote):
    remote, _editor = site_remote
    reject_pushes(remote)
    before = git(site_repo, "rev-parse", "HEAD").strip()
    item = add_item(session, "getekend", "svg")
    with pytest.raises(PublishError, match="De remote heeft de commit geweigerd; er is niets gepubliceerd"):
        publish(git_app, item.id)
    assert git(site_repo, "rev-parse", "HEAD").strip() == before == remote_head(remote)
    assert clean(site_repo) and not (site_repo / RECORD).exists() and not (site_repo / LOGO).exists()
    assert state(git_app, item.id) == ("getekend", "")


def test_two_publishes_at_the_same_moment_give_two_commits(git_app, session, site_repo, site_remote):
    remote, _editor = site_remote
    ids = [
        add_item(session, "getekend", "svg", organisation_name=name).id for name in ("Stichting Een", "Stichting Twee")
    ]
    start, results = threading.Barrier(2), {}

    def worker(item_id: int) -> None:
        start.wait()
        try:
            results[item_id] = publish(git_app, item_id).commit
        except Exception as exc:  # the assertion below shows it
            results[item_id] = exc

    threads = [threading.Thread(target=worker, args=(item_id,)) for item_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    commits = set(results.values())
    assert len(commits) == 2 and all(isinstance(c, str) for c in commits), results
    log = git(site_repo, "log", "--format=%H", "-3").split()
    assert set(log[:2]) == commits and remote_head(remote) == log[0]
    assert sorted(f for c in commits for f in commit_files(site_repo, c)) == [
        "A content/logos/stichting-een.svg",
        "A content/logos/stichting-twee.svg",
        "A content/partners/stichting-een.md",
        "A content/partners/stichting-twee.md",
    ]
    assert [state(git_app, i)[0] for i in ids] == ["gepubliceerd", "gepubliceerd"]


def test_a_broken_record_from_an_editor_stops_publishing_with_its_line(git_app, session, site_repo, site_remote):
    _remote, editor = site_remote
    broken = "Title: Kapot\nSlug: kapot\nType: vereniging\nSince: 2024-01-01\n\nKapot.\n"
    theirs = editor_commits(editor, {"content/partners/kapot.md": broken}, "Een fout record")
    item = add_item(session, "getekend", "svg")
    with pytest.raises(PublishError) as refused:
        publish(git_app, item.id)
    assert "content/partners/kapot.md:3: Type: moet een van deze zijn" in str(refused.value)
    assert str(site_repo) not in str(refused.value)  # no server paths for the reviewer
    assert git(site_repo, "rev-parse", "HEAD").strip() == theirs and clean(site_repo)
    assert state(git_app, item.id) == ("getekend", "")


def test_a_full_disk_leaves_the_working_copy_as_it_was(git_app, session, site_repo, monkeypatch):
    before = git(site_repo, "rev-parse", "HEAD").strip()
    item = add_item(session, "getekend", "svg")
    real_fsync, calls = os.fsync, []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 3:  # the record, after the logo and its folder
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(PublishError, match="kan niet worden geschreven; er is niets gewijzigd"):
        publish(git_app, item.id)
    monkeypatch.undo()
    assert git(site_repo, "rev-parse", "HEAD").strip() == before and clean(site_repo)
    assert state(git_app, item.id) == ("getekend", "")


def test_a_queue_that_cannot_record_it_reverts_the_pushed_commit(git_app, site_repo, site_remote, monkeypatch):
    remote, _editor = site_remote
    with git_app.app_context(), db_session(git_app) as session:
        item = add_item(session, "getekend", "svg")

        def broken():
            raise OperationalError("COMMIT", {}, Exception("database is locked"))

        monkeypatch.setattr(session, "commit", broken)
        with pytest.raises(PublishError, match="De wachtrij kon niet worden bijgewerkt; er is niets gepubliceerd"):
            publishing.publish(session, item, git_app.config["CONTENT_DIR"], REVIEWER)
        item_id = item.id
    ours, revert = git(site_repo, "log", "--format=%H %s", "-2").splitlines()[::-1]
    assert "Nieuwe partner" in ours and revert.endswith(
        "Terugdraaien: Nieuwe partner: Stichting Gezonde Wijk (aanmelding nr. 1)"
    )
    assert remote_head(remote) == revert.split()[0]
    assert not (site_repo / RECORD).exists() and clean(site_repo)
    assert state(git_app, item_id) == ("getekend", "")


@pytest.mark.parametrize("kind", CHANGE_KINDS)
def test_each_change_request_is_one_commit(git_app, session, site_repo, site_remote, kind):
    remote, _editor = site_remote
    item = add_change(session, site_repo / "content", kind)
    publication = publish(git_app, item.id)
    files = commit_files(site_repo, publication.commit)
    record = "M content/partners/stichting-oude-naam.md"
    if kind == "logo":
        [new_logo] = [f for f in files if f.startswith("A content/logos/stichting-oude-naam-")]
        assert files == sorted(["D content/logos/stichting-oude-naam.svg", new_logo, record])
    else:
        assert files == [record]
    message = git(site_repo, "log", "-1", "--format=%s", publication.commit).strip()
    expected = (
        "Einde partnerschap: Stichting Oude Naam (wijzigingsverzoek nr. 1)"
        if kind == "einde"
        else f"Wijziging van Stichting Oude Naam: {CHANGE_KINDS_LABEL[kind]} (wijzigingsverzoek nr. 1)"
    )
    assert message == expected and remote_head(remote) == publication.commit
    assert state(git_app, item.id) == ("gepubliceerd", publication.commit)


CHANGE_KINDS_LABEL = {"naam": "naam", "website": "website", "logo": "logo", "samenvatting": "samenvatting"}


def test_a_logo_another_record_uses_stays_in_the_commit(git_app, session, site_repo, site_remote):
    _remote, editor = site_remote
    twin = (site_repo / "content/partners/stichting-oude-naam.md").read_text()
    twin = twin.replace("Slug: stichting-oude-naam", "Slug: tweeling").replace(
        "Title: Stichting Oude Naam", "Title: Tweeling"
    )
    editor_commits(editor, {"content/partners/tweeling.md": twin}, "Tweeling, met hetzelfde logo")
    git(site_repo, "pull", "--quiet", "--ff-only")
    assert "Logo: logos/stichting-oude-naam.svg" in (site_repo / "content/partners/tweeling.md").read_text()
    item = add_change(session, site_repo / "content", "logo")
    publication = publish(git_app, item.id)
    assert not [f for f in commit_files(site_repo, publication.commit) if f.startswith("D ")]
    assert (site_repo / "content/logos/stichting-oude-naam.svg").read_bytes() == PARTNER_SVG


def test_without_push_the_commit_stays_local(make_app, session, site_repo, site_remote):
    remote, _editor = site_remote
    app = make_app(
        PUBLISH_TARGET="git", SITE_REPO=str(site_repo), CONTENT_DIR=str(site_repo / "content"), PUBLISH_PUSH=False
    )
    before = remote_head(remote)
    publication = publish(app, add_item(session, "getekend", "svg").id)
    assert remote_head(remote) == before != publication.commit == git(site_repo, "rev-parse", "HEAD").strip()
    # A second publish on top of the unpushed first is fine: nothing is lost or refused.
    second = publish(app, add_item(session, "getekend", "svg", organisation_name="Stichting Twee").id)
    assert git(site_repo, "rev-parse", f"{second.commit}~1").strip() == publication.commit


def test_a_working_copy_with_uncommitted_changes_is_refused(git_app, session, site_repo):
    (site_repo / "content/partners/kladje.md").write_text("Title: Kladje\n")
    item = add_item(session, "getekend", "svg")
    with pytest.raises(PublishError, match=r"wijzigingen die niet zijn vastgelegd \(content/partners/kladje.md\)"):
        publish(git_app, item.id)
    assert (site_repo / "content/partners/kladje.md").read_text() == "Title: Kladje\n"
    assert not (site_repo / RECORD).exists() and state(git_app, item.id) == ("getekend", "")


def test_git_needs_the_site_repository(make_app, tmp_path):
    from formhandler.config import ConfigError

    with pytest.raises(ConfigError, match="PUBLISH_TARGET=git heeft FORMHANDLER_SITE_REPO nodig"):
        make_app(PUBLISH_TARGET="git", SITE_REPO="")
    with pytest.raises(ConfigError, match="CONTENT_DIR wijst buiten de siterepository"):
        make_app(PUBLISH_TARGET="git", SITE_REPO=str(tmp_path / "repo"), CONTENT_DIR=str(tmp_path / "elders"))


def test_the_cli_tells_the_commit_and_a_refusal_in_dutch(git_app, session, site_repo, site_remote):
    remote, _editor = site_remote
    runner = git_app.test_cli_runner()
    first = add_item(session, "getekend", "svg")
    done = runner.invoke(args=["queue", "publish", str(first.id)])
    assert done.exit_code == 0, done.output
    assert f"Vastgelegd in commit {remote_head(remote)[:12]} en gepusht." in done.stdout
    assert "De CI van de siterepository bouwt de site en zet haar online." in done.stdout
    reject_pushes(remote)
    second = add_item(session, "getekend", "svg", organisation_name="Stichting Twee")
    refused = runner.invoke(args=["queue", "publish", str(second.id)])
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"Item {second.id} is niet gepubliceerd. De remote heeft de commit geweigerd")
    assert str(site_repo) not in refused.stderr


def test_the_admin_shows_the_commit_and_the_live_link_or_why_not(make_app, session, site_repo, site_remote):
    from tests.formhandler.helpers import add_user, login, step

    app = make_app(
        PUBLISH_TARGET="git",
        SITE_REPO=str(site_repo),
        CONTENT_DIR=str(site_repo / "content"),
        PUBLIC_URL="https://www.example.test/",
    )
    add_user(app)
    client = app.test_client()
    login(client)
    item = add_item(session, "getekend", "svg")
    response = step(client, item.id, "gepubliceerd")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    commit = remote_head(site_remote[0])
    assert f"De nieuwe partner is gepubliceerd: vastgelegd in commit {commit[:12]} en gepusht." in html
    assert '<a href="https://www.example.test/partners/stichting-gezonde-wijk/">' in html
    assert f'<code class="admin-hash">{commit}</code>' in html

    reject_pushes(site_remote[0])
    other = add_item(session, "getekend", "svg", organisation_name="Stichting Twee")
    response = step(client, other.id, "gepubliceerd")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Publiceren is niet gelukt; er is niets verstuurd." in html
    assert "De remote heeft de commit geweigerd; er is niets gepubliceerd." in html
    assert "Op de site" not in client.get(f"/beheer/{other.id}").get_data(as_text=True)


def test_a_token_in_the_remotes_url_never_reaches_the_log(git_app, session, site_repo, caplog):
    git(site_repo, "remote", "set-url", "origin", "https://bureau:ghp_geheimtoken123@127.0.0.1:9/site.git")
    item = add_item(session, "getekend", "svg")
    with pytest.raises(PublishError, match="er is niets gepubliceerd") as refused:
        publish(git_app, item.id)
    assert "ghp_geheimtoken123" not in caplog.text and "ghp_geheimtoken123" not in str(refused.value)
    assert "git fetch failed" in caplog.text  # the operator still learns what happened


@pytest.mark.parametrize(
    "said, logged",
    [
        (
            "fatal: repository 'https://bureau:tok3n@github.com/org/site.git/' not found",
            "'https://***@github.com/org/site.git/'",
        ),
        ("To ssh://git@example.org:22/site.git ! [rejected]", "ssh://***@example.org:22/site.git"),
        ("error: failed to push some refs to '/srv/remote.git'", "'/srv/remote.git'"),
    ],
)
def test_what_git_said_is_logged_without_credentials(said, logged):
    from formhandler.publishing.git import scrubbed

    assert logged in scrubbed(said) and "tok3n" not in scrubbed(said)


def test_a_lock_that_cannot_be_opened_is_a_dutch_message(git_app, session, site_repo):
    lock = site_repo / ".git" / "alliantie-publiceren.lock"
    lock.mkdir()  # as unusable as a lock file of another user
    item = add_item(session, "getekend", "svg")
    with pytest.raises(PublishError, match="Het slot van het publiceren kan niet worden geopend"):
        publish(git_app, item.id)
    assert state(git_app, item.id) == ("getekend", "")
