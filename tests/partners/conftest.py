"""Fixtures of the partners tests: logo files over an empty cache, a free port, a small synthetic site."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from benchmarks.synthetic import write_synthetic
from partners.plugin.logo_files import LogoFiles
from tests.conftest import ROOT


@pytest.fixture
def logo_files(tmp_path) -> LogoFiles:
    """LogoFiles over an empty content/logos folder with an empty cache of its own."""
    (tmp_path / "content" / "logos").mkdir(parents=True)
    return LogoFiles(tmp_path / "content", tmp_path / "cache")


@pytest.fixture
def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def synthetic_content(tmp_path) -> tuple[Path, list[dict]]:
    """The real pages and 20 synthetic partners in tmp_path/content; returns (content folder, their fields)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    return content, write_synthetic(content, 20)
