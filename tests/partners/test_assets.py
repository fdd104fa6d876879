"""Cache-busting asset URLs, as the site and the Flask pages both use them."""

import copy
import os

from partners.assets import AssetUrls


def test_url_carries_a_hash_of_the_content_and_follows_a_change(tmp_path):
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "site.css"
    sheet.write_text("a{}")
    asset = AssetUrls(tmp_path)
    first = asset("css/site.css")
    assert first.startswith("/theme/css/site.css?v=") and len(first.rsplit("=", 1)[1]) == 10
    assert asset("css/site.css") == first
    stamp = sheet.stat().st_mtime_ns
    sheet.write_text("b{}")  # the same size, within the same clock tick: the mtime in ns still differs
    os.utime(sheet, ns=(stamp, stamp + 1))
    assert asset("css/site.css") != first
    assert AssetUrls(tmp_path, prefix="/static/")("css/site.css").startswith("/static/css/site.css?v=")


def test_a_deep_copy_of_the_settings_shares_the_instance(tmp_path):
    asset = AssetUrls(tmp_path)
    assert copy.deepcopy({"asset": asset})["asset"] is asset
