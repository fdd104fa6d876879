"""Pelican's content cache is used only by a build with the settings and versions that wrote it."""

from pelican.settings import read_settings

from partners.plugin import content_cache
from tests.conftest import ROOT

PAGE = "Title: Over ons\nSlug: over-ons\n\n## Wie wij zijn\n\nTekst.\n"


def settings(tmp_path, **overrides) -> dict:
    return read_settings(str(ROOT / "pelicanconf.py"), override={"CACHE_PATH": str(tmp_path / "cache"), **overrides})


def test_key_follows_the_settings_but_not_the_switch_this_module_turns(tmp_path):
    base = content_cache.cache_key(settings(tmp_path))
    assert content_cache.cache_key(settings(tmp_path)) == base  # objects and functions in the settings are stable
    assert content_cache.cache_key(settings(tmp_path, LOAD_CONTENT_CACHE=False)) == base
    markdown = {"extension_configs": {"markdown.extensions.toc": {"permalink": True}}, "output_format": "html5"}
    assert content_cache.cache_key(settings(tmp_path, MARKDOWN=markdown)) != base
    assert content_cache.cache_key(settings(tmp_path, TIMEZONE="UTC")) != base


def test_cache_is_loaded_only_after_a_build_under_the_same_key(tmp_path):
    first = settings(tmp_path)
    content_cache.check_before_build(first)
    assert first["LOAD_CONTENT_CACHE"] is False  # no key yet: a cache found there is of unknown origin
    content_cache.record_after_build(first)
    second = settings(tmp_path)
    content_cache.check_before_build(second)
    assert second["LOAD_CONTENT_CACHE"] is True
    changed = settings(tmp_path, TIMEZONE="UTC")
    content_cache.check_before_build(changed)
    assert changed["LOAD_CONTENT_CACHE"] is False
    # The key goes at once: a build that fails after Pelican saved its new cache must not leave
    # the old key beside it.
    assert not (tmp_path / "cache" / content_cache.KEY_FILE).exists()
    content_cache.check_before_build(settings(tmp_path))
    assert not (tmp_path / "cache" / content_cache.KEY_FILE).exists()


def test_a_changed_markdown_setting_reaches_the_cached_pages(content_dir, build):
    (content_dir / "pages" / "over-ons.md").write_text(PAGE)
    out = build()
    assert "headerlink" not in (out / "over-ons" / "index.html").read_text()
    markdown = {"extension_configs": {"markdown.extensions.toc": {"permalink": True}}, "output_format": "html5"}
    out = build(MARKDOWN=markdown)
    assert 'class="headerlink"' in (out / "over-ons" / "index.html").read_text()
