"""The plugin in whole Pelican builds: bad records stop the build, rebuilds follow edits, output is compressed."""

import gzip
import json
import os
import subprocess
import sys

import pytest

from partners.records import RecordError
from tests.conftest import ROOT

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10"><rect width="20" height="10"/></svg>'
GOOD = {"Title": "Gemeente Een", "Slug": "gemeente-een", "Type": "overheid", "Since": "2024-01-01"}


def test_bad_record_stops_the_build(write_record, build):
    write_record(text="Title: Goed\nSlug: goed\nType: overheid\nSince: 2024-13-01\n", slug="goed")
    with pytest.raises(RecordError) as error:
        build()
    assert str(error.value).endswith("partners/goed.md:4: Since: ‘2024-13-01’ is geen bestaande datum")


def test_every_problem_of_every_record_and_logo_is_listed(content_dir, write_record, build):
    (content_dir / "logos" / "kapot.svg").write_bytes(b"GIF89a")
    one = write_record(text="Title: Een\nSlug: een\nType: club\nSince: 2024-01-01\n", slug="een")
    two = write_record(
        text="Title: Twee\nSlug: twee\nType: overheid\nLogo: logos/kapot.svg\nSince: 2024-01-01\n", slug="twee"
    )
    with pytest.raises(RecordError) as error:
        build()
    assert [str(p).split(": ", 1)[0] for p in error.value.problems] == [f"{one}:3", f"{two}:4"]
    assert str(error.value.problems[1]).endswith("Logo: kapot.svg: dit is geen SVG-, PNG-, JPEG- of WebP-afbeelding")


def test_pelican_command_exits_nonzero_with_path_and_line(content_dir, write_record, tmp_path):
    path = write_record(text="Title: Goed\nSlug: goed\nType: club\nSince: 2024-01-01\n", slug="goed")
    command = [sys.executable, "-m", "pelican", str(content_dir), "-s", str(ROOT / "pelicanconf.py")]
    command += ["-o", str(tmp_path / "out"), "--cache-path", str(tmp_path / "cache")]
    # A wide terminal: Pelican's log handler wraps long lines, also in the middle of a path.
    env = {**os.environ, "COLUMNS": "400"}
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode != 0
    output = " ".join((result.stdout + result.stderr).split())
    assert f"{path.name}:3: Type: moet een van deze zijn" in output
    assert not (tmp_path / "out" / "partners" / "goed").exists()


@pytest.mark.parametrize("columns", ["40", "400"])
def test_pelican_command_prints_each_problem_on_one_line_without_a_traceback(
    columns, content_dir, write_record, tmp_path
):
    """`make build` runs this command: in a narrow terminal too, one clean line per problem, then the count."""
    one = write_record(text="Title: Goed\nSlug: goed\nType: club\nSince: 1 maart 2025\n\nTekst.\n", slug="goed")
    two = write_record(text="Title: Twee\nSlug: twee\nType: bedrijf\nSince: 2024-13-01\n\nTekst.\n", slug="twee")
    command = [sys.executable, "-m", "pelican", str(content_dir), "-s", str(ROOT / "pelicanconf.py")]
    command += ["-o", str(tmp_path / "out"), "--cache-path", str(tmp_path / "cache")]
    env = {**os.environ, "COLUMNS": columns}
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr and "RecordError" not in result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        f"{one}:3: Type: moet een van deze zijn: oprichter, maatschappelijke-organisatie, overheid, bedrijf",
        f"{one}:4: Since: moet een datum zijn als JJJJ-MM-DD, bijvoorbeeld 2025-03-01 voor 1 maart 2025",
        f"{two}:4: Since: ‘2024-13-01’ is geen bestaande datum",
        "3 fouten gevonden; de site is niet gebouwd.",
    ]


def test_rebuild_sees_an_edited_record_and_a_logo_that_went_bad(write_record, content_dir, build):
    (content_dir / "logos" / "een.svg").write_text(SVG)
    path = write_record({**GOOD, "Logo": "logos/een.svg"})
    out = build()
    assert "Gemeente Een" in (out / "partners" / "index.html").read_text()
    path.write_text(path.read_text().replace("Gemeente Een", "Gemeente Twee"))
    out = build()
    assert "Gemeente Twee" in (out / "partners" / "index.html").read_text()
    (content_dir / "logos" / "een.svg").write_bytes(b"GIF89a")  # the same file, now refused
    with pytest.raises(RecordError, match=r"Logo: een\.svg: dit is geen"):
        build()
    (content_dir / "logos" / "een.svg").write_text(SVG)
    (content_dir / "logos" / "kapot.svg").write_bytes(b"GIF89a")
    path.write_text(path.read_text().replace("logos/een.svg", "logos/kapot.svg"))  # another, refused file
    with pytest.raises(RecordError, match=r"Logo: kapot\.svg: dit is geen"):
        build()


def test_a_removed_partner_leaves_no_page_logo_or_row_behind(write_record, content_dir, build):
    (content_dir / "logos" / "twee.svg").write_text(SVG)
    write_record(GOOD, body="Beschrijving. " * 40)
    gone = write_record({**GOOD, "Title": "Gemeente Twee", "Slug": "gemeente-twee", "Logo": "logos/twee.svg"})
    out = build()
    assert (out / "partners" / "gemeente-twee" / "index.html.gz").is_file()
    assert any(p.name.startswith("gemeente-twee.") for p in (out / "logos").iterdir())
    gone.unlink()
    build()
    assert not (out / "partners" / "gemeente-twee").exists()
    assert not any(p.name.startswith("gemeente-twee.") for p in (out / "logos").iterdir())
    assert [row["slug"] for row in json.loads((out / "partners.json").read_text())["partners"]] == ["gemeente-een"]
    assert (out / "partners" / "gemeente-een" / "index.html").is_file()


def test_built_site_is_precompressed_minified_and_stable(write_record, build):
    write_record(GOOD)
    out = build()
    pages = list(out.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        assert gzip.decompress(page.with_name(page.name + ".gz").read_bytes()) == page.read_bytes()
    css = (out / "theme" / "css" / "site.css").read_text()
    assert "/*" not in css and "\n  " not in css and ".wall{" in css
    files = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.rglob("*") if p.is_file()}
    build()
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == {p: data for p, (_, data) in files.items()}
    # Pelican writes its own pages (the information pages) again in every build; every file the
    # plugin writes, and every .gz, keeps its mtime when its bytes are unchanged.
    pelican_pages = {out / "index.html", out / "404.html"} | set(out.glob("*/index.html"))
    rewritten = {p for p, (stamp, _) in files.items() if p.stat().st_mtime_ns != stamp}
    assert rewritten <= pelican_pages and (out / "partners" / "index.html") not in rewritten
