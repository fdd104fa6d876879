"""Development only: every mail the log backend writes is printed readably in the terminal of `make run`."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from flask import Flask

from .backends import logger

RULE = "─" * 72


class TerminalHandler(logging.StreamHandler):
    """Writes to the sys.stderr of the moment, so a redirected or captured terminal gets the mail too."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter(f"\n{RULE}\n%(message)s\n{RULE}"))

    @property
    def stream(self) -> TextIO:
        """The current stderr."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        """StreamHandler sets its stream at init; the current stderr is always used instead."""


def init_app(app: Flask) -> None:
    """With DEVELOPMENT and the log backend, show the mail logger's messages in the terminal."""
    # Production never gets this handler: there the log backend writes no addresses or text at all.
    if not (app.config["DEVELOPMENT"] and app.config["MAIL_BACKEND"] == "log"):
        return
    if not any(isinstance(handler, TerminalHandler) for handler in logger.handlers):
        logger.addHandler(TerminalHandler())
    logger.setLevel(logging.INFO)
    logger.propagate = False  # Flask's own handler on "formhandler" would print every mail a second time


def remove(target: logging.Logger = logger) -> None:
    """Take the terminal handler off again and give the mail logger its defaults (tests, one app after another)."""
    for handler in [h for h in target.handlers if isinstance(h, TerminalHandler)]:
        target.removeHandler(handler)
    target.setLevel(logging.NOTSET)
    target.propagate = True
