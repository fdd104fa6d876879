"""Publish errors name files relative to the content folder: a reviewer never sees the server's paths."""

from __future__ import annotations

import json
import shutil
from html import unescape
from pathlib import Path

import pytest

from formhandler import publishing
from formhandler.clock import utcnow
from tests.conftest import ROOT
from tests.formhandler.helpers import add_item, step
from tests.hostile_corpus import HOSTILE

CORPUS = json.loads((HOSTILE / "server-paths" / "cases.json").read_text(encoding="utf-8"))


@pytest.fixture
def content(app):
    """The app's content folder with the real pages and nothing else."""
    folder = app.config["CONTENT_DIR"]
    shutil.copytree(ROOT / "content" / "pages", f"{folder}/pages", dirs_exist_ok=True)
    return folder


def publish_error(session, item, content_dir) -> str:
    with pytest.raises(publishing.PublishError) as caught:
        publishing.publish(session, item, content_dir, "redacteur", utcnow())
    return str(caught.value)


@pytest.mark.parametrize("existing", CORPUS["existing"])
def test_an_existing_file_is_named_from_the_content_folder(admin_client, session, content, existing):
    item = add_item(session, "getekend", "svg")
    target = Path(content, existing)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("Werk van de redacteur.\n")
    html = unescape(step(admin_client, item.id, "gepubliceerd").get_data(as_text=True))
    assert f"{existing} bestaat al" in html
    assert content not in html and "/tmp" not in html


@pytest.mark.parametrize("folder", CORPUS["not_folders"])
def test_a_folder_that_is_a_file_is_named_from_the_content_folder(session, content, folder):
    item = add_item(session, "getekend", "svg")
    Path(f"{content}/{folder}").write_text("geen map")
    message = publish_error(session, item, content)
    assert f"De map {folder} " in message or f"In de map {folder} " in message
    assert content not in message


def test_a_missing_content_folder_names_the_setting_not_the_path(session, tmp_path):
    item = add_item(session, "getekend", "svg")
    message = publish_error(session, item, tmp_path / "nergens")
    assert message == "De contentmap van de site (CONTENT_DIR) bestaat niet."
