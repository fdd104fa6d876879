"""The command groups of ours are all there, and every one of them and of their commands explains itself in Dutch."""

from __future__ import annotations

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
