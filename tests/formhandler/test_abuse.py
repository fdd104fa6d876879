"""Hostile input end to end: the hostile corpus through the form and through `make check`, record injection
through publishing and a real build, a scripted bot, and logs that never hold what was typed."""

import io
import logging
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy.exc import OperationalError

from formhandler import publishing, queue
from formhandler.forms.botcheck import started_token
from partners.logos import LogoError, check_logo
from tests.conftest import ROOT, run_pelican
from tests.formhandler.helpers import THANKS, add_item, form_tokens, post, rows, valid_form
from tests.hostile_corpus import FORBIDDEN, hostile_file, hostile_files

HOSTILE_FILES = [path.name for path in hostile_files()]


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_hostile_logo_through_the_form_is_refused_or_stored_clean(client, app, tmp_path, name):
    before = files_under(tmp_path)
    response = post(
        client,
        organisation_name=f"Stichting {len(name)} Logo",
        logo=(io.BytesIO(hostile_file(name).read_bytes()), name),
    )
    stored = rows(app)
    if response.status_code == 303:
        assert len(stored) == 1 and stored[0].logo is not None
        data = stored[0].logo.data
        assert not FORBIDDEN.search(data), data[:300]
        if stored[0].logo.kind != "svg":
            image = Image.open(io.BytesIO(data))
            assert not image.getexif() and "comment" not in image.info
    else:
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Dit logo kunnen we niet gebruiken" in html
        assert stored == []
    # The upload lives in the database only: no file appears anywhere (path traversal included).
    created = files_under(tmp_path) - before
    assert all(re.match(r"queue\.sqlite3(-wal|-shm|-journal)?$", p) for p in created), created
    assert not (ROOT / "etc").exists()


def test_hostile_logos_through_make_check_and_the_build(tmp_path):
    """Each hostile file named by a record: `partners check` refuses it or the build sanitises it."""
    content = tmp_path / "content"
    (content / "partners").mkdir(parents=True)
    (content / "logos").mkdir()
    usable = {".svg", ".png", ".jpg", ".jpeg", ".webp"}
    expected_refused = set()
    for index, name in enumerate(HOSTILE_FILES):
        suffix = Path(name).suffix.lower()
        if suffix not in usable:
            continue
        target = f"vijand-{index}{suffix}"
        (content / "logos" / target).write_bytes(hostile_file(name).read_bytes())
        slug = f"vijand-{index}"
        (content / "partners" / f"{slug}.md").write_text(
            f"Title: Vijand {index}\nSlug: {slug}\nType: bedrijf\nLogo: logos/{target}\nSince: 2024-01-01\n\nTest.\n"
        )
        try:
            check_logo(hostile_file(name).read_bytes(), target)
        except LogoError:
            expected_refused.add(slug)
    result = subprocess.run(
        [sys.executable, "-m", "partners", "check", str(content)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 1
    refused = set(re.findall(r"partners/(vijand-\d+)\.md:4: Logo:", result.stderr))
    assert refused == expected_refused and refused
    for slug in refused:  # remove the refused ones; the rest must build with clean logos
        (content / "partners" / f"{slug}.md").unlink()
    out = run_pelican(content, tmp_path / "output")
    logos = list((out / "logos").iterdir())
    assert logos
    for logo in logos:
        if logo.suffix == ".svg":
            assert not FORBIDDEN.search(logo.read_bytes()), logo.name


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert(1)</script> Stichting",
        "Stichting [klik](javascript:alert(1))",
        "Stichting <img src=x onerror=alert(1)>",
        "Stichting ![x](http://evil.example/t.png)",
    ],
)
def test_markup_injection_is_inert_after_publish_and_build(session, bare_content, tmp_path, name):
    content = bare_content
    publication = publishing.publish(session, add_item(session, "getekend", organisation_name=name), content, "test")
    record = (content / "partners" / f"{publication.slug}.md").read_text()
    assert record.count("\n\n") >= 1 and all(":" in line for line in record.split("\n\n")[0].splitlines())
    out = run_pelican(content, tmp_path / "output")
    pages = {str(p.relative_to(out)) for p in out.rglob("index.html")}
    assert f"partners/{publication.slug}/index.html" in pages
    assert not any(p.startswith(("index.html/", "evil")) for p in pages)
    for page in (out / "partners" / publication.slug / "index.html", out / "partners" / "index.html"):
        html = page.read_text()
        assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript:' not in html
        assert 'src="http://evil.example' not in html  # no image from elsewhere


@pytest.mark.parametrize("name", ["Naam\nSave_as: index.html", "Naam\r\nTemplate: page", "Naam\u2028Status: hidden"])
def test_line_breaks_that_slip_past_the_form_cannot_reach_a_record(session, tmp_path, name):
    """Defence in depth: even a row written around the form is refused by the record renderer."""
    item = add_item(session, "getekend", organisation_name=name)
    with pytest.raises(publishing.PublishError):
        publishing.publish(session, item, tmp_path / "content", "test")
    session.expire_all()
    assert queue.get(session, item.id).state == "getekend"
    assert not (tmp_path / "content" / "partners").exists() or not list((tmp_path / "content" / "partners").iterdir())


def test_scripted_bot_versus_a_human(make_app):
    """A bot that fills everything at once, or the honeypot, or resubmits, never reaches the real queue."""
    guarded_app = make_app(MIN_FILL_SECONDS=3)  # the production minimum fill time
    bot = guarded_app.test_client()
    for attempt in range(3):  # fast: posts right after loading the form
        post(bot, organisation_name="Snelle Bot BV", email=f"bot{attempt}@example.org")
    post(bot, organisation_name="Honing Bot BV", homepage_url="https://spam.example")
    human = guarded_app.test_client()
    tokens = form_tokens(human)
    with guarded_app.test_request_context():
        tokens["started"] = started_token(time.time() - 45)  # the human took 45 seconds
    first = post(human, tokens, organisation_name="Gemeente Mens", email="mens@gemeente.example.nl")
    again = post(human, tokens, organisation_name="Gemeente Mens", email="mens@gemeente.example.nl")
    assert first.status_code == again.status_code == 303 and first.headers["Location"].endswith(THANKS)
    stored = rows(guarded_app)
    real = [r for r in stored if r.state != "spam"]
    assert [r.organisation_name for r in real] == ["Gemeente Mens"]
    assert {r.organisation_name for r in stored if r.state == "spam"} <= {"Snelle Bot BV", "Honing Bot BV"}
    assert len(stored) <= 5


def test_links_and_disposable_address_only_mark_suspect(client, app):
    motivation = " ".join(f"https://link{i}.example.com" for i in range(6))
    response = post(client, motivation=motivation, email="iemand@mailinator.com")
    assert response.status_code == 303
    (item,) = rows(app)
    assert item.state == "nieuw" and len(item.suspect_reasons) == 2
    assert valid_form()["motivation"] != motivation


def test_logs_never_contain_form_bodies(client, app, caplog, monkeypatch):
    """Valid, invalid and failed submissions: no field value ever reaches a log line."""
    caplog.set_level(logging.DEBUG)
    markers = {
        "contact_name": "Zyxwv Merkernaam",
        "email": "zyxwv.merker@voorbeeld.nl",
        "phone": "0612345678",
        "motivation": "Zyxwv motivatie merker",
        "contribution_text": "Zyxwv bijdrage merker",
    }
    post(client, **markers)  # stored
    post(client, **{**markers, "email": "zyxwv-kapot@@"})  # refused at a field
    monkeypatch.setattr(
        queue,
        "insert_submission",
        lambda *a, **k: (_ for _ in ()).throw(OperationalError("INSERT", {}, Exception("disk I/O error"))),
    )
    assert post(client, **{**markers, "organisation_name": "Stichting Storing"}).status_code == 503
    logged = "\n".join(record.getMessage() + str(record.exc_info or "") for record in caplog.records)
    assert caplog.records, "the database failure must be logged"
    for value in [*markers.values(), "zyxwv", "Zyxwv", "612345678"]:
        assert value not in logged
