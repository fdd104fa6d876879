"""The hostile corpus stays in shape: every folder a known class, never empty, file names unique."""

import json
from collections import Counter

from tests.hostile_corpus import (
    CASE_CLASSES,
    DOCUMENT_CLASSES,
    HOSTILE,
    TEXT_CLASSES,
    UPLOAD_CLASSES,
    hostile_files,
    hostile_texts,
)


def test_every_folder_is_a_class_that_tests_read():
    """A new folder must be named in tests/hostile_corpus.py, or no test would ever read it."""
    folders = {path.name for path in HOSTILE.iterdir() if path.is_dir()}
    assert folders == set(UPLOAD_CLASSES) | set(DOCUMENT_CLASSES) | set(TEXT_CLASSES) | set(CASE_CLASSES)
    assert not [path.name for path in HOSTILE.iterdir() if path.is_file()], "files belong in a class folder"


def test_upload_classes_hold_files_with_unique_names():
    """hostile_file(name) finds an upload by its name alone, so a name is used once in the whole corpus."""
    for upload_class in UPLOAD_CLASSES:
        assert hostile_files(upload_class), upload_class
    counts = Counter(path.name for path in hostile_files())
    assert [name for name, count in counts.items() if count > 1] == []


def test_text_classes_hold_one_list_of_distinct_strings():
    for text_class in TEXT_CLASSES:
        cases = hostile_texts(text_class)
        assert cases and len(set(cases)) == len(cases), text_class
        assert [path.name for path in (HOSTILE / text_class).iterdir()] == ["cases.json"]


def test_case_classes_hold_one_described_object():
    for case_class in CASE_CLASSES:
        cases = json.loads((HOSTILE / case_class / "cases.json").read_text(encoding="utf-8"))
        assert isinstance(cases, dict) and cases.pop("description"), case_class
        assert cases and all(cases.values()), case_class
        assert [path.name for path in (HOSTILE / case_class).iterdir()] == ["cases.json"]
