"""write_if_changed: the build's one way to write a file."""

import os

from partners.plugin.files import write_if_changed


def test_write_if_changed_keeps_the_file_untouched(tmp_path):
    path = tmp_path / "f.html"
    assert write_if_changed(path, b"een")
    os.utime(path, ns=(1, 1))
    assert not write_if_changed(path, b"een")
    assert path.stat().st_mtime_ns == 1
    assert write_if_changed(path, b"twee") and path.read_bytes() == b"twee"


def test_write_if_changed_makes_the_folder_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "partners" / "nieuw" / "index.html"
    assert write_if_changed(path, b"<p>nieuw</p>")
    assert path.read_bytes() == b"<p>nieuw</p>" and os.listdir(path.parent) == ["index.html"]
