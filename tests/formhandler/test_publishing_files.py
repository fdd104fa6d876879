"""The one file writer of publishing: whole or not at all, never over an editor's file unless told to replace."""

from __future__ import annotations

import os

import pytest

from formhandler.publishing import PublishError
from formhandler.publishing.files import make_folder, write_atomically


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_new_file_is_written_whole_and_readable(tmp_path):
    target = tmp_path / "record.md"
    write_atomically(target, b"Title: X\n", replace=False)
    assert target.read_bytes() == b"Title: X\n" and oct(target.stat().st_mode & 0o777) == "0o644"
    assert leftovers(tmp_path) == []


def test_an_existing_file_is_kept_unless_replacing(tmp_path):
    target = tmp_path / "record.md"
    target.write_bytes(b"van de redacteur\n")
    with pytest.raises(PublishError, match="bestaat al; er is niets overschreven"):
        write_atomically(target, b"nieuw\n", replace=False)
    assert target.read_bytes() == b"van de redacteur\n"
    write_atomically(target, b"nieuw\n", replace=True)
    assert target.read_bytes() == b"nieuw\n" and leftovers(tmp_path) == []


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(PublishError, match="kan niet worden geschreven; er is niets gewijzigd"):
        write_atomically(tmp_path / "record.md", b"x", replace=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("what", ["missing parent", "a file in the way"])
def test_a_folder_that_cannot_be_made_is_a_dutch_message(tmp_path, what):
    folder = tmp_path / "nergens" / "logos" if what == "missing parent" else tmp_path / "logos"
    if what != "missing parent":
        folder.write_text("geen map")
    with pytest.raises(PublishError, match="De map logos kan niet worden aangemaakt") as caught:
        make_folder(folder)
    assert str(tmp_path) not in str(caught.value)  # relative to the content folder, never the server's path
