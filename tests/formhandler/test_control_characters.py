"""C1 controls, bidi overrides and line separators: refused at every text field, escaped when the CLI prints."""

from __future__ import annotations

import json

import pytest

from partners.validate import has_control_characters
from tests.formhandler.helpers import add_item, post, post_change, rows
from tests.hostile_corpus import HOSTILE

INVISIBLE = "Dit veld bevat onzichtbare tekens die we niet kunnen opslaan. Typ de tekst opnieuw."
CORPUS = json.loads((HOSTILE / "control-sequences" / "cases.json").read_text(encoding="utf-8"))
CHARACTERS = CORPUS["characters"]
APPLY_FIELDS = {
    "city": "Utr{}echt",
    "contact_name": "Anne de{} Vries",
    "contact_role": "Direc{}teur",
    "email": "anne{}@rookvrijsporten.nl",
    "contribution_text": "We delen{} onze kennis.",
    "motivation": "Sport hoort{} rookvrij te zijn.",
}
CHANGE_FIELDS = {
    "contact_name": "Petra{} Privé",
    "contact_role": "Commu{}nicatie",
    "email": "petra{}@oud.example.nl",
    "explanation": "Graag{} aanpassen.",
}
SHOWN = set(CHARACTERS)


def ids(values):
    return [f"U+{ord(v):04X}" for v in values]


@pytest.mark.parametrize("character", CHARACTERS, ids=ids(CHARACTERS))
def test_the_partner_rule_sees_every_character(character):
    assert has_control_characters(f"a{character}b")
    assert not has_control_characters("Åsa Öberg, ’s-Hertogenbosch\tà la carte")


@pytest.mark.parametrize("character", CHARACTERS, ids=ids(CHARACTERS))
@pytest.mark.parametrize("field", APPLY_FIELDS)
def test_the_registration_form_refuses_it_and_keeps_the_input(app, client, field, character):
    value = APPLY_FIELDS[field].format(character)
    response = post(client, **{field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert INVISIBLE in html
    assert "Sport hoort" in html and "Utr" in html  # everything typed is still there
    assert rows(app) == []


@pytest.mark.usefixtures("partners_on_disk")
@pytest.mark.parametrize(
    "character", ["\u0085", "\u009b", "\u202e", "\u2066", "\u2028"], ids=ids("\u0085\u009b\u202e\u2066\u2028")
)
@pytest.mark.parametrize("field", CHANGE_FIELDS)
def test_the_change_form_refuses_it(app, client, field, character):
    response = post_change(client, **{field: CHANGE_FIELDS[field].format(character)})
    assert response.status_code == 200
    assert INVISIBLE in response.get_data(as_text=True)
    assert rows(app) == []


@pytest.mark.parametrize("value", CORPUS["terminal"])
def test_queue_show_and_list_print_no_raw_control_character(runner, session, value):
    """Rows stored before the rule (or by another path) must not drive the reviewer's terminal."""
    item = add_item(session, organisation_name=value, city=value, contact_name=value, motivation=f"eerst\n{value}")
    for args in (["queue", "show", str(item.id)], ["queue", "list"], ["queue", "show", str(item.id), "--json"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        raw = {ch for ch in result.stdout if ch in SHOWN or (ord(ch) < 0x20 and ch != "\n")}
        assert raw == set(), (args, raw)
    shown = runner.invoke(args=["queue", "show", str(item.id)]).stdout
    lines = shown.splitlines()
    assert not any(line.lstrip().startswith(("status: gepubliceerd", "email: iemand")) for line in lines)
    data = json.loads(runner.invoke(args=["queue", "show", str(item.id), "--json"]).stdout)
    assert data["organisation_name"] == value  # JSON escapes still decode to the stored text
