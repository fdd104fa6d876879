"""Ids in URLs that no Integer column can hold: every route with a number answers 404, on both databases."""

from __future__ import annotations

import json
import re

import pytest

from tests.formhandler.helpers import add_item
from tests.hostile_corpus import HOSTILE

CASES = json.loads((HOSTILE / "route-ids" / "cases.json").read_text(encoding="utf-8"))["not_found"]


def numbered_rules(app):
    """Every URL rule with an `<int:…>` part (the admin's and any other blueprint's)."""
    return [rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule]


def with_id(rule, value: str) -> str:
    """The rule's URL with `value` for its first number, 1 for any other, the first choice of an any(), else a slug."""
    url = re.sub(r"<int:[^>]+>", value, rule.rule, count=1)
    url = re.sub(r"<int:[^>]+>", "1", url)
    url = re.sub(r"<any\(([a-z_]+)[^>]*\):[^>]+>", r"\1", url)
    return re.sub(r"<(?:string:)?[a-z_]+>", "stichting-oude-naam", url)


@pytest.mark.both_databases
@pytest.mark.parametrize("value", CASES)
def test_an_id_beyond_the_column_is_not_found(app, admin_client, session, value):
    add_item(session)
    rules = numbered_rules(app)
    assert any(rule.rule.startswith("/beheer/") for rule in rules)
    for rule in rules:
        method = "GET" if "GET" in rule.methods else "POST"
        response = admin_client.open(with_id(rule, value), method=method)
        assert response.status_code == 404, (rule.rule, response.status_code)
        assert "Pagina niet gevonden" in response.get_data(as_text=True)


def test_the_largest_id_a_column_holds_still_reaches_the_view(admin_client, session):
    add_item(session)
    assert admin_client.get("/beheer/1").status_code == 200
    assert admin_client.get(f"/beheer/{2**31 - 1}").status_code == 404  # the view's own 'no such item'


@pytest.mark.both_databases
@pytest.mark.parametrize("value", CASES)
def test_the_cli_says_there_is_no_such_item(runner, session, value):
    add_item(session)
    result = runner.invoke(args=["queue", "show", value])
    assert result.exit_code == 1
    assert f"Er is geen item met nummer {value}." in result.stderr
