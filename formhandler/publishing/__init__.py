"""Publishing a queue item into content/ through partners: a dispatch table by kind, one module per kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from sqlalchemy.orm import Session

from ..kinds import APPLICATION, CHANGE
from ..models import Submission
from . import application, change
from .publication import Publication, PublishError


class Publisher(NamedTuple):
    """How one kind of item is published: what it would write, and writing it."""

    render: Callable[[Submission, str | Path], Publication]
    publish: Callable[[Session, Submission, str | Path, str, dt.datetime | None], Publication]


PUBLISHERS: dict[str, Publisher] = {
    APPLICATION: Publisher(application.render, application.publish),
    CHANGE: Publisher(change.render, change.publish),
}


def _publisher(item: Submission) -> Publisher:
    if item.kind not in PUBLISHERS:
        raise PublishError("Dit soort item kan (nog) niet via publiceren worden verwerkt.")
    return PUBLISHERS[item.kind]


def render(item: Submission, content_dir: str | Path) -> Publication:
    """What publishing `item` would write, without writing it; a Dutch PublishError when it cannot."""
    return _publisher(item).render(item, content_dir)


def publish(
    session: Session, item: Submission, content_dir: str | Path, actor: str, now: dt.datetime | None = None
) -> Publication:
    """Write what `item` publishes into content_dir and mark it published, in one step or not at all."""
    return _publisher(item).publish(session, item, content_dir, actor, now)


__all__ = ["PUBLISHERS", "Publication", "PublishError", "publish", "render"]
