"""The one error of publishing: its message says, in Dutch, why nothing was published and what to do."""

from __future__ import annotations


class PublishError(Exception):
    """Publishing is refused or failed; the message says why, in Dutch."""
