"""The README and docs/ stay true: every command they name exists, every link they make resolves."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MAKE_TARGETS = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.MULTILINE))


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_make_target_named_exists(doc):
    named = set(re.findall(r"`make ([a-z-]+)", doc.read_text()))
    assert named <= MAKE_TARGETS, f"{doc.name} names make targets the Makefile lacks: {named - MAKE_TARGETS}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_relative_link_resolves(doc):
    links = re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text())
    missing = [link for link in links if not (doc.parent / link).exists()]
    assert not missing, f"{doc.name} links to missing files: {missing}"


def test_the_readme_is_read_in_five_minutes():
    """About 1,000 words at most: the two commands, the journeys, the layout; the rest in docs/."""
    assert len((ROOT / "README.md").read_text().split()) < 1100
