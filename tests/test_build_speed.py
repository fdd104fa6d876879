"""The fast-build machinery must never change what is written: threads, caches, reused parsers."""

import copy
import gc
import gzip
import json
import os
import random
import signal
import subprocess
import sys
import unicodedata

import pytest
from pelican.readers import MarkdownReader
from pelican.settings import DEFAULT_CONFIG

from benchmarks.synthetic import write_synthetic
from partners import export, write_worker
from partners.compress import MIN_BYTES, compress_tree, write_gz
from partners.markup import SafeMarkdownExtension
from partners.records import _reader, load_records, read_record
from partners.validate import _BIDI_CONTROLS, InvalidValue, clean_line
from partners.write_worker import BackgroundWrites, write_with_gz

from .conftest import ROOT, run_pelican

PAGE = ("<p>" + "Rookvrije generatie. " * 40 + "</p>").encode()


# --- writing in the helper process ---------------------------------------------------------


@pytest.mark.parametrize("inline_files", [0, 40, 1000], ids=["helper", "both", "here"])
def test_background_writes_give_the_same_bytes_as_writing_in_line(tmp_path, inline_files):
    pages = {f"p{i}.html": PAGE + str(i).encode() * i for i in range(300)}
    (tmp_path / "direct").mkdir()
    background = BackgroundWrites(inline_files=inline_files)
    background.make_folders(str(tmp_path), ["helper"])
    for name, data in pages.items():
        background.write(str(tmp_path / "helper" / name), data)
        write_with_gz(str(tmp_path / "direct" / name), data)
    assert background.drain() == len(pages)
    assert (background._process is None) == (inline_files > len(pages))
    background.close()
    direct = {p.name: p.read_bytes() for p in (tmp_path / "direct").iterdir()}
    helper = {p.name: p.read_bytes() for p in (tmp_path / "helper").iterdir()}
    assert direct == helper and len(direct) == 2 * len(pages)
    assert gzip.decompress(helper["p7.html.gz"]) == pages["p7.html"]


@pytest.mark.parametrize("inline_files", [0, 7])
def test_a_second_write_to_one_file_lands_last(tmp_path, inline_files):
    background = BackgroundWrites(inline_files=inline_files)
    target = str(tmp_path / "page.html")
    for version in range(20):
        background.write(target, PAGE + str(version).encode())
    background.close()
    assert (tmp_path / "page.html").read_bytes() == PAGE + b"19"
    assert gzip.decompress((tmp_path / "page.html.gz").read_bytes()) == PAGE + b"19"


@pytest.mark.parametrize("inline_files", [0, 1000], ids=["helper", "here"])
@pytest.mark.parametrize("path, error", [("a-file/x.html", NotADirectoryError), ("", IsADirectoryError)])
def test_a_failed_background_write_is_raised_by_drain(tmp_path, path, error, inline_files):
    background = BackgroundWrites(inline_files=inline_files)
    (tmp_path / "a-file").write_bytes(b"in the way")
    background.write(str(tmp_path / "ok.html"), PAGE)
    background.write(str(tmp_path / path) if path else str(tmp_path), b"x")
    with pytest.raises(error):
        background.drain()
    assert background.drain() == 0, "a failure is reported once; the helper goes on"
    background.write(str(tmp_path / "after.html"), PAGE)
    assert background.drain() == 1
    background.close()
    assert (tmp_path / "ok.html").read_bytes() == PAGE


def test_the_helper_ends_with_the_build(tmp_path):
    background = BackgroundWrites(inline_files=0)
    background.write(str(tmp_path / "a.html"), PAGE)
    process = background._process
    background.close()
    assert process.poll() == 0 and background.drain() == 0


def test_a_helper_that_dies_stops_the_build_with_a_dutch_message(tmp_path):
    background = BackgroundWrites(inline_files=0)
    background.write(str(tmp_path / "a.html"), PAGE)
    background._process.kill()
    background._process.wait()
    with pytest.raises(RuntimeError, match="schrijfproces van de build is onverwacht gestopt"):
        for number in range(100):  # until the pipe's buffer is flushed into the closed pipe
            background.write(str(tmp_path / f"p{number}.html"), PAGE * 20)
        background.drain()
    background.close()


def test_ctrl_c_stops_the_build_not_the_helper(tmp_path):
    """Ctrl-C reaches the whole process group; the helper ends when the build closes the pipe."""
    background = BackgroundWrites(inline_files=0)
    background.write(str(tmp_path / "a.html"), PAGE)
    assert background.drain() == 1
    os.kill(background._process.pid, signal.SIGINT)
    background.write(str(tmp_path / "b.html"), PAGE)
    assert background.drain() == 1
    background.close()


def test_without_a_helper_the_build_writes_itself(tmp_path, monkeypatch, caplog):
    def no_interpreter():
        raise FileNotFoundError(2, "No such file or directory", "python")

    monkeypatch.setattr(write_worker, "_start", no_interpreter)
    background = BackgroundWrites(inline_files=0)
    for number in range(5):
        background.write(str(tmp_path / f"p{number}.html"), PAGE)
    assert background.drain() == 5 and background._process is None
    assert "geen schrijfproces" in caplog.text
    assert gzip.decompress((tmp_path / "p4.html.gz").read_bytes()) == PAGE


@pytest.mark.parametrize("inline_files", [0, 1000], ids=["helper", "here"])
def test_a_write_makes_its_folder_when_it_comes_before_it(tmp_path, inline_files):
    background = BackgroundWrites(inline_files=inline_files)
    background.write(str(tmp_path / "partners" / "nieuw" / "index.html"), PAGE)
    background.make_folders(str(tmp_path / "partners"), ["nieuw", "ander"])
    assert background.drain() == 1
    background.close()
    assert (tmp_path / "partners" / "nieuw" / "index.html").read_bytes() == PAGE
    assert (tmp_path / "partners" / "ander").is_dir()


def test_a_small_rebuild_starts_no_helper(tmp_path):
    background = BackgroundWrites()
    background.make_folders(str(tmp_path / "partners"), ["a", "b"])
    for name in ("a", "b"):
        background.write(str(tmp_path / "partners" / name / "index.html"), PAGE)
    assert background.drain() == 2 and background._process is None
    background.make_folders(str(tmp_path / "partners"), [f"p{i}" for i in range(100)])  # a new site
    assert background._process is not None
    background.write(str(tmp_path / "partners" / "p99" / "index.html"), PAGE)
    assert background.drain() == 1
    background.close()
    assert len(list((tmp_path / "partners").iterdir())) == 102


def test_write_gz_follows_the_sweep_rules(tmp_path):
    page = tmp_path / "a.html"
    page.write_bytes(PAGE)
    assert write_gz(str(page), PAGE) == 1
    stamp = (tmp_path / "a.html.gz").stat().st_mtime_ns
    assert write_gz(str(page), PAGE) == 0  # same bytes: the .gz is left alone
    assert (tmp_path / "a.html.gz").stat().st_mtime_ns == stamp
    page.write_bytes(b"klein")
    assert write_gz(str(page), b"klein") == 0 and not (tmp_path / "a.html.gz").exists()  # too small: removed
    assert write_gz(str(tmp_path / "a.png"), PAGE) == 0 and not (tmp_path / "a.png.gz").exists()
    assert compress_tree(tmp_path) == (0, 0)


def test_sweep_skips_folders_that_look_after_themselves(tmp_path):
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "x.svg").write_bytes(PAGE)
    (tmp_path / "a.html").write_bytes(PAGE)
    assert compress_tree(tmp_path, skip=frozenset({"logos"})) == (1, 0)
    assert not (tmp_path / "logos" / "x.svg.gz").exists()
    assert compress_tree(tmp_path) == (1, 0)


def test_small_text_files_without_gz_are_not_read(tmp_path, monkeypatch):
    (tmp_path / "robots.txt").write_bytes(b"x" * (MIN_BYTES - 1))
    from partners import compress

    monkeypatch.setattr(compress, "compress_file", lambda *a: pytest.fail("read a file too small to compress"))
    assert compress_tree(tmp_path) == (0, 0)


# --- reading records with one Markdown instance -------------------------------------------------


def pelican_reader():
    """What records.py did before: Pelican's own reader, a new Markdown object per file."""
    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings["FORMATTED_FIELDS"] = []
    settings["MARKDOWN"] = {"extensions": [SafeMarkdownExtension()], "output_format": "html5"}
    return MarkdownReader(settings)


HOSTILE_BODIES = [
    "Tekst met [een link](javascript:alert(1)) en ![plaatje](https://x.example/a.png).",
    "<script>alert(1)</script>\n\n<div onclick='x()'>blok</div>",
    "Voetnoot[^1]\n\n[^1]: bestaat niet als extensie",
    "[ref]: https://www.example.nl\n\nZie [ref].",
    "# Kop\n\n* een\n* twee\n\n> citaat\n\n    code",
]


def test_reused_markdown_instance_reads_like_pelicans_reader(tmp_path):
    content = tmp_path / "content"
    write_synthetic(content, 40)
    paths = sorted((content / "partners").glob("*.md"))
    for index, body in enumerate(HOSTILE_BODIES):  # state one document leaves must not leak into the next
        path = paths[index]
        path.write_text(path.read_text() + "\n" + body + "\n")
    bom = paths[-1]
    bom.write_text("\ufeff" + bom.read_text())
    fresh = pelican_reader()
    for path in paths + paths[:3]:
        assert _reader().read(str(path)) == fresh.read(str(path)), path.name


def test_record_cache_and_reader_give_the_same_records(tmp_path):
    content = tmp_path / "content"
    write_synthetic(content, 30)
    cold, problems = load_records(content, cache_file=tmp_path / "records.pickle")
    warm, _ = load_records(content, cache_file=tmp_path / "records.pickle")
    assert problems == [] and cold == warm
    assert [r.source for r in cold] == [str(p) for p in sorted((content / "partners").glob("*.md"))]
    single, _ = read_record(content / "partners" / f"{cold[3].slug}.md", content)
    assert single == cold[3]


def test_clean_line_regex_finds_what_the_character_loop_found():
    def by_loop(value):
        if any(ch in value for ch in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
            return "moet op één regel staan"
        for ch in value:
            if unicodedata.category(ch) == "Cc" and ch != "\t" or ch in _BIDI_CONTROLS:
                return f"bevat een ongeldig teken (U+{ord(ch):04X})"
        return value.strip()

    def by_regex(value):
        try:
            return clean_line(value, max_length=10_000)
        except InvalidValue as exc:
            return str(exc)

    rng = random.Random(5)
    alphabet = [chr(i) for i in range(0xB0)] + sorted(_BIDI_CONTROLS) + ["é", "\u2028", "\u200b", "a", " "]
    for _ in range(20_000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randrange(6)))
        assert by_regex(value) == by_loop(value), repr(value)


# --- open data ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [{}],
        [{"a": []}],
        [{"a": 'é\u2028"\\\n\x00', "b": True, "c": None, "d": 1, "e": 2.5, "f": [1, "x", False]}],
        [{"x": {"nested": 1}}],
        [{1: "niet-tekst als sleutel"}],
    ],
)
def test_open_data_json_matches_json_dumps(rows):
    assert export.dumps_rows("partners", rows) == json.dumps({"partners": rows}, ensure_ascii=False, indent=1)


def test_open_data_row_cache_gives_the_same_bytes(tmp_path):
    import datetime as dt

    content = tmp_path / "content"
    write_synthetic(content, 25)
    records, _ = load_records(content)
    today = dt.date(2026, 11, 28)
    export.write_open_data(tmp_path / "plain", records, {}, today)
    cache = tmp_path / "open-data.pickle"
    export.write_open_data(tmp_path / "cold", records, {}, today, cache_file=cache)
    export.write_open_data(tmp_path / "warm", records, {}, today, cache_file=cache)
    for name in ("partners.json", "partners.csv"):
        plain = (tmp_path / "plain" / name).read_bytes()
        assert plain == (tmp_path / "cold" / name).read_bytes() == (tmp_path / "warm" / name).read_bytes()
    rows = export.partner_rows(records, {}, today)
    assert (tmp_path / "plain" / "partners.json").read_text() == json.dumps(
        {"partners": rows}, ensure_ascii=False, indent=1
    )


# --- the build as a whole ----------------------------------------------------------------------


def test_collector_is_paused_only_while_the_plugin_works():
    from partners.plugin import _collector_paused

    assert gc.isenabled()
    with _collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with _collector_paused():
            raise RuntimeError
    assert gc.isenabled()


def test_templates_are_compiled_once_into_the_cache(tmp_path):
    content = tmp_path / "content"
    write_synthetic(content, 5)
    run_pelican(content, tmp_path / "output")
    assert list((tmp_path / "cache" / "jinja").iterdir())


REBUILD = """
import sys
from pelican import Pelican
from pelican.settings import read_settings
settings = read_settings(sys.argv[1], override={"PATH": sys.argv[2], "OUTPUT_PATH": sys.argv[3],
                                                  "CACHE_PATH": sys.argv[4], "PARTNERS_TODAY": "2026-11-28"})
Pelican(settings).run()
print("IMPORTED", "py_svg_hush" in sys.modules)
"""


def test_rebuild_without_new_logos_never_loads_the_svg_sanitiser(tmp_path):
    """The sanitiser is imported only when a logo is checked; the output is the same either way."""
    content = tmp_path / "content"
    (content / "pages").mkdir(parents=True)
    fields = write_synthetic(content, 12)
    args = [str(ROOT / "pelicanconf.py"), str(content), str(tmp_path / "out"), str(tmp_path / "cache")]

    def build():
        result = subprocess.run(
            [sys.executable, "-c", REBUILD, *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert result.returncode == 0, result.stderr[-2000:]
        files = {p.relative_to(tmp_path / "out"): p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
        return result.stdout, files

    first, before = build()
    assert "IMPORTED True" in first  # the first build checks and sanitises every logo
    second, after = build()
    assert "IMPORTED False" in second and after == before
    edited = content / "partners" / f"{fields[4]['Slug']}.md"  # a record edit, its logo unchanged
    edited.write_text(edited.read_text().replace("Synthetische partner", "Gewijzigde partner"))
    third, _ = build()
    assert "IMPORTED False" in third


def test_edited_record_pointing_at_a_bad_logo_is_still_refused(tmp_path):
    content = tmp_path / "content"
    fields = write_synthetic(content, 8)
    cache = tmp_path / "records.pickle"
    assert load_records(content, cache_file=cache)[1] == []
    (content / "logos" / "kapot.svg").write_bytes(b"GIF89a")
    edited = content / "partners" / f"{fields[2]['Slug']}.md"
    edited.write_text(edited.read_text().replace(fields[2]["Logo"], "logos/kapot.svg"))
    _, problems = load_records(content, cache_file=cache)
    assert [p.field for p in problems] == ["Logo"]


# --- the .gz sweep, and what lets it skip the partner page folders ------------------------------


def test_sweep_does_not_enter_skipped_nested_folders(tmp_path):
    for name in ("a", "b"):
        (tmp_path / "partners" / name).mkdir(parents=True)
        (tmp_path / "partners" / name / "index.html").write_bytes(PAGE)
    assert compress_tree(tmp_path, skip={"partners/a"}) == (1, 0)
    assert (tmp_path / "partners" / "b" / "index.html.gz").exists()
    assert not (tmp_path / "partners" / "a" / "index.html.gz").exists()


def test_page_is_fresh_only_with_its_gz(tmp_path):
    from partners.page_cache import PageCache

    (tmp_path / "p").mkdir()
    write_with_gz(str(tmp_path / "p" / "index.html"), PAGE)
    write_with_gz(str(tmp_path / "p" / "small.html"), b"<p>klein</p>")  # too small for a .gz
    cache = PageCache(tmp_path / "pages.pickle", "shared")
    cache.entries = {"p/index.html": "k", "p/small.html": "k"}
    assert cache.fresh("p/index.html", "k", tmp_path) and cache.fresh("p/small.html", "k", tmp_path)
    assert not cache.fresh("p/index.html", "other", tmp_path)
    (tmp_path / "p" / "index.html.gz").unlink()
    assert not cache.fresh("p/index.html", "k", tmp_path)  # rendered again, which writes the .gz


def test_write_with_gz_repairs_a_stale_gz_beside_an_unchanged_page(tmp_path):
    """A build killed between a page and its .gz: the next one renders the same bytes again."""
    page = tmp_path / "index.html"
    write_with_gz(str(page), PAGE)
    (tmp_path / "index.html.gz").write_bytes(gzip.compress(b"oud"))
    assert write_with_gz(str(page), PAGE) is False  # the page itself is left alone
    assert gzip.decompress((tmp_path / "index.html.gz").read_bytes()) == PAGE


# --- caches keyed by the record digest ------------------------------------------------------------


def test_records_cache_is_kept_in_memory_until_another_process_replaces_it(tmp_path, monkeypatch):
    import pickle

    from partners import records

    content = tmp_path / "content"
    write_synthetic(content, 12)
    cache = tmp_path / "records.pickle"
    first, _ = load_records(content, cache_file=cache)
    reads = []
    original = records.read_record
    monkeypatch.setattr(records, "read_record", lambda *a, **k: reads.append(a[0]) or original(*a, **k))
    second, _ = load_records(content, cache_file=cache)
    assert reads == [] and all(a is b for a, b in zip(first, second))  # not even unpickled again
    assert [records.record_digest(r) for r in second] == [records._digest(r) for r in first]
    with open(cache, "wb") as handle:  # another process writes the cache: this one's memory is stale
        pickle.dump({}, handle)
    third, _ = load_records(content, cache_file=cache)
    assert len(reads) == 12 and third == first


def test_open_data_rows_keyed_by_record_digest_give_the_same_bytes(tmp_path):
    import dataclasses
    import datetime as dt

    content = tmp_path / "content"
    write_synthetic(content, 25)
    records, _ = load_records(content)
    today = dt.date(2026, 11, 28)
    cache = tmp_path / "open-data.pickle"
    for step in range(3):
        if step == 2:  # an edited record (a new object with another digest) and a partnership that ended
            records[3] = dataclasses.replace(records[3], summary="=SOM(1;2)", until=dt.date(2026, 1, 1))
        plain, keyed = tmp_path / f"plain{step}", tmp_path / f"keyed{step}"
        export.write_open_data(plain, records, {}, today)
        export.write_open_data(keyed, records, {}, today, cache_file=cache)
        for name in ("partners.json", "partners.csv"):
            assert (plain / name).read_bytes() == (keyed / name).read_bytes()
    assert "'=SOM(1;2)" in (tmp_path / "keyed2" / "partners.csv").read_text(encoding="utf-8-sig")


def test_feeds_are_made_again_only_when_what_they_show_changed(tmp_path, monkeypatch):
    import dataclasses
    import datetime as dt

    content = tmp_path / "content"
    write_synthetic(content, 30)
    records, _ = load_records(content)
    today = dt.date(2026, 11, 28)
    key = tmp_path / "feeds.key"
    made = []
    original = export._write_atom
    monkeypatch.setattr(export, "_write_atom", lambda *a: made.append(a[0].name) or original(*a))

    def check(records):
        export.write_feed(tmp_path / "plain", records, "https://x.nl", "Site", today)
        export.write_feed(tmp_path / "cached", records, "https://x.nl", "Site", today, cache_file=key)
        for name in ("partners.atom.xml", "vertrokken.atom.xml"):
            plain, cached = (tmp_path / "plain" / "feeds" / name), (tmp_path / "cached" / "feeds" / name)
            assert plain.read_bytes() == cached.read_bytes()

    check(records)
    made.clear()
    check(records)
    assert made == ["partners.atom.xml", "vertrokken.atom.xml"]  # the uncached call only
    newest = max(records, key=lambda r: (r.since, r.slug))
    records = [dataclasses.replace(r, title="Nieuwe titel") if r is newest else r for r in records]
    made.clear()
    check(records)
    assert len(made) == 4
    (tmp_path / "cached" / "feeds" / "vertrokken.atom.xml").unlink()
    made.clear()
    check(records)
    assert len(made) == 4


# --- make serve: rebuilds in one process -------------------------------------------------------

SERVE_SETTINGS = """import sys
sys.path.insert(0, {root!r})
from pelicanconf import *
CACHE_PATH = {cache!r}
THEME = {theme!r}
PARTNERS_TODAY = "2026-11-28"
"""


def test_serve_rebuilds_in_one_process_write_what_a_full_build_writes(tmp_path):
    """serve's own rebuild function, called again and again in one process (caches in memory)."""
    import argparse
    import filecmp
    import shutil

    from partners.__main__ import _rebuild, _serve_settings

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    fields = write_synthetic(content, 40)
    settings = tmp_path / "serve.py"
    settings.write_text(
        SERVE_SETTINGS.format(root=str(ROOT), cache=str(tmp_path / "serve-cache"), theme=str(ROOT / "theme"))
    )
    args = argparse.Namespace(settings=str(settings), content=str(content), output=str(tmp_path / "serve-out"))
    assert _rebuild(_serve_settings(args))

    def record(index):
        return content / "partners" / f"{fields[index]['Slug']}.md"

    edits = [
        lambda: record(7).write_text(record(7).read_text().replace("Synthetische partner", "Gewijzigde partner")),
        lambda: record(7).write_text(
            record(7).read_text().replace(f"Title: {fields[7]['Title']}", "Title: Nieuwe naam")
        ),
        lambda: (content / fields[9]["Logo"]).write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10"><rect width="40" height="10"/></svg>'
        ),
        lambda: record(8).unlink(),  # a removed partner leaves no page behind
        lambda: None,  # nothing changed
    ]
    for step, edit in enumerate(edits):
        edit()
        assert _rebuild(_serve_settings(args))
        clean = run_pelican(content, tmp_path / f"clean{step}" / "output")
        served = tmp_path / "serve-out"
        left = sorted(str(p.relative_to(served)) for p in served.rglob("*") if p.is_file())
        right = sorted(str(p.relative_to(clean)) for p in clean.rglob("*") if p.is_file())
        assert left == right, step
        _, mismatch, errors = filecmp.cmpfiles(served, clean, left, shallow=False)
        assert mismatch == [] and errors == [], step
    assert "Nieuwe naam" in (tmp_path / "serve-out" / "partners" / "index.html").read_text()
