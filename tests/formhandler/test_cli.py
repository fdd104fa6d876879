"""The command groups of ours are all there, and every one of them and of their commands explains itself in Dutch."""

from __future__ import annotations

import pytest

from tests.formhandler.helpers import add_item

OUR_GROUPS = ("db", "mail", "privacy", "queue", "site", "user")
# Words that mark a sentence as Dutch and never occur in an English one.
DUTCH_WORDS = {
    "de",
    "het",
    "een",
    "één",
    "van",
    "en",
    "op",
    "naar",
    "met",
    "voor",
    "tot",
    "aan",
    "wat",
    "als",
    "alles",
    "alle",
    "om",
    "bij",
    "die",
    "dat",
    "niet",
    "wordt",
    "zijn",
}


def helps(app):
    """(name, help text) of each of our command groups and each command in them."""
    for group_name in OUR_GROUPS:
        group = app.cli.get_command(None, group_name)
        yield group_name, group.help
        for name, command in group.commands.items():
            yield f"{group_name} {name}", command.help


def test_every_command_of_ours_has_a_dutch_help_text(app):
    english = [
        name
        for name, text in helps(app)
        if not text or not DUTCH_WORDS & set(text.lower().replace(".", " ").replace(",", " ").split())
    ]
    assert english == []


@pytest.mark.parametrize(
    "args, line",
    [
        (["queue", "show", "abc"], "Het itemnummer moet een geheel getal zijn, bijvoorbeeld 12; u gaf ‘abc’."),
        (["queue", "show", "99"], "Er is geen item met nummer 99."),
        (["queue", "set", "1", "klaar"], None),  # checked below against the states' own list
        (["queue", "list", "--state", "klaar"], None),
        (["queue", "set", "1", "getekend"], "Van ‘Nieuw’ kan het item niet naar ‘Overeenkomst getekend’."),
        (["queue", "set", "1", "nieuw"], "Het item heeft al de status ‘Nieuw’."),
        (["queue", "set", "1", "spam", "--no-mail", "--message-file", "-"], None),
        (["queue", "export", "--format", "xlsx"], "Onbekend formaat ‘xlsx’; kies csv of json."),
        (
            ["queue", "announce", "--since", "1 maart"],
            "‘1 maart’ is geen datum; schrijf die als JJJJ-MM-DD, bijvoorbeeld 2026-01-31.",
        ),
        (["site", "rollback"], "SITE_BUILD staat op ‘none’: op deze server staan geen builds om naar terug te gaan."),
    ],
)
def test_a_command_with_bad_input_says_so_in_one_dutch_line(runner, session, args, line):
    add_item(session)
    result = runner.invoke(args=args, input="")
    assert result.exit_code == 1, result.output
    if line is None:
        from formhandler.states import STATES

        expected = {
            "klaar": f"Onbekende status ‘klaar’. Kies uit: {', '.join(STATES)}.",
            "-": "--message-file en --no-mail gaan niet samen: kies een eigen bericht of geen bericht.",
        }
        line = expected["-" if "-" in args else "klaar"]
    assert result.stderr.strip().splitlines()[-1] == line
