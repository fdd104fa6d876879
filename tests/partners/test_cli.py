"""`python -m partners check|new`, and the rebuild `serve` runs after each change."""

import argparse
import filecmp

import pytest

from partners.__main__ import NEW_RECORD_NEXT_STEP, _rebuild, _serve_settings, main
from tests.conftest import FIXED_TODAY, ROOT, run_pelican

SERVE_SETTINGS = """import sys
sys.path.insert(0, {root!r})
from pelicanconf import *
CACHE_PATH = {cache!r}
PARTNERS_TODAY = {today!r}
"""


def test_check_passes_good_records(synthetic_content, capsys):
    content, fields = synthetic_content
    assert main(["check", str(content)]) == 0
    assert capsys.readouterr().out == f"Alle {len(fields)} partnerrecords zijn in orde.\n"


def test_check_lists_every_problem_and_fails(synthetic_content, capsys):
    content, fields = synthetic_content
    broken = content / "partners" / f"{fields[3]['Slug']}.md"
    broken.write_text(broken.read_text().replace(f"Type: {fields[3]['Type']}", "Type: club"))
    (content / fields[5]["Logo"]).write_bytes(b"GIF89a")
    assert main(["check", str(content)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{broken}:3: Type: moet een van deze zijn")
    assert err[1].endswith(f"Logo: {fields[5]['Slug']}.svg: dit is geen SVG-, PNG-, JPEG- of WebP-afbeelding")
    assert err[2] == f"2 fouten gevonden in {content / 'partners'}."


def test_new_scaffolds_a_valid_record_once(content_dir, capsys):
    args = [
        "new",
        "Gemeente Súdwest-Fryslân",
        "--type",
        "overheid",
        "--since",
        "2024-05-01",
        "--content",
        str(content_dir),
    ]
    assert main(args) == 0
    target = content_dir / "partners" / "gemeente-sudwest-fryslan.md"
    assert capsys.readouterr().out == f"Aangemaakt: {target}\n{NEW_RECORD_NEXT_STEP}\n"
    assert target.read_text().startswith("Title: Gemeente Súdwest-Fryslân\nSlug: gemeente-sudwest-fryslan\n")
    assert main(["check", str(content_dir)]) == 1  # valid, but its placeholder text must be replaced first
    assert "beschrijving: bevat nog de voorbeeldtekst" in capsys.readouterr().err
    assert main(args) == 1
    assert "bestaat al" in capsys.readouterr().err


def test_new_refuses_a_name_the_schema_refuses(content_dir, capsys):
    assert main(["new", "X", "--type", "overheid", "--content", str(content_dir)]) == 1
    assert "Kan geen record maken: Title: moet minstens 2 tekens lang zijn" in capsys.readouterr().err
    assert not list((content_dir / "partners").iterdir())


@pytest.mark.slow
def test_serve_rebuilds_in_one_process_write_what_a_full_build_writes(synthetic_content, tmp_path):
    """serve's own rebuild, again and again in one process: after each edit the output equals a clean build."""
    content, fields = synthetic_content
    settings = tmp_path / "serve.py"
    today = FIXED_TODAY
    settings.write_text(SERVE_SETTINGS.format(root=str(ROOT), cache=str(tmp_path / "serve-cache"), today=today))
    args = argparse.Namespace(settings=str(settings), content=str(content), output=str(tmp_path / "serve-out"))
    assert _rebuild(_serve_settings(args))
    record = content / "partners" / f"{fields[7]['Slug']}.md"
    edits = [
        lambda: record.write_text(record.read_text().replace(f"Title: {fields[7]['Title']}", "Title: Nieuwe naam")),
        lambda: (content / fields[9]["Logo"]).write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10"/>'
        ),
        lambda: record.unlink(),
    ]
    for step, edit in enumerate(edits):
        edit()
        assert _rebuild(_serve_settings(args))
        clean = run_pelican(content, tmp_path / f"clean{step}" / "output")
        served = tmp_path / "serve-out"
        left = sorted(str(p.relative_to(served)) for p in served.rglob("*") if p.is_file())
        assert left == sorted(str(p.relative_to(clean)) for p in clean.rglob("*") if p.is_file()), step
        assert filecmp.cmpfiles(served, clean, left, shallow=False)[1:] == ([], []), step


def test_serve_keeps_the_last_good_output_when_a_record_is_bad(synthetic_content, tmp_path, capsys):
    content, fields = synthetic_content
    settings = tmp_path / "serve.py"
    settings.write_text(SERVE_SETTINGS.format(root=str(ROOT), cache=str(tmp_path / "cache"), today=FIXED_TODAY))
    args = argparse.Namespace(settings=str(settings), content=str(content), output=str(tmp_path / "out"))
    assert _rebuild(_serve_settings(args))
    wall = (tmp_path / "out" / "partners" / "index.html").read_bytes()
    broken = content / "partners" / f"{fields[0]['Slug']}.md"
    broken.write_text(broken.read_text().replace("Since: ", "Since: 20x"))
    assert not _rebuild(_serve_settings(args))
    err = capsys.readouterr().err
    assert f"{broken}:" in err and "1 fout(en); het voorbeeld toont de laatste goede versie." in err
    assert (tmp_path / "out" / "partners" / "index.html").read_bytes() == wall
