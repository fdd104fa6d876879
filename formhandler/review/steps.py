"""A reviewer's step along the procedure, from the admin or the command line."""

from __future__ import annotations

from pathlib import Path

from ..kinds import CHANGE
from ..models import Event, Submission
from ..publishing.change import approved_record_hash
from ..queue import change_state
from ..states import READY_TO_PUBLISH, check_transition


def move(item: Submission, target: str, actor: str, note: str = "", *, content_dir: str | Path) -> Event:
    """Move `item` to `target` (TransitionError when not allowed); approving a change fixes the record's sha256."""
    check_transition(item.state, target, kind=item.kind)
    if item.kind == CHANGE and target == READY_TO_PUBLISH[CHANGE]:
        item.record_sha256 = approved_record_hash(content_dir, item.target_slug)
    return change_state(item, target, actor, note)
