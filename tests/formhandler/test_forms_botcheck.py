"""The bot check of the public forms: the signed start time and the reasons a post counts as a bot's."""

from __future__ import annotations

import time
import types

import pytest

from formhandler.forms.botcheck import bot_reason, seconds_since_started, started_token


def test_the_start_time_is_signed(app):
    with app.test_request_context():
        token = started_token(now=1000.0)
        assert seconds_since_started(token, now=1005.0) == pytest.approx(5.0)
        assert seconds_since_started(token[:-2] + "xx") is None
        assert seconds_since_started("") is None


def posted(honeypot: str, started: str):
    """A stand-in for a posted form: only the two fields the bot check reads."""
    field = types.SimpleNamespace
    return types.SimpleNamespace(homepage_url=field(data=honeypot), started=field(data=started))


@pytest.mark.parametrize(
    "honeypot, age, min_fill, reason",
    [
        ("", 45.0, 3, None),
        ("https://spam.example", 45.0, 3, "honeypot"),
        ("  ", 45.0, 3, None),
        ("", 1.0, 3, "fill-time-too-fast"),
        ("", None, 3, "fill-time-signature"),
    ],
)
def test_why_a_post_looks_like_a_bot(app, honeypot, age, min_fill, reason):
    app.config["MIN_FILL_SECONDS"] = min_fill
    with app.test_request_context():
        token = "vervalst" if age is None else started_token(now=time.time() - age)
        assert bot_reason(posted(honeypot, token)) == reason
