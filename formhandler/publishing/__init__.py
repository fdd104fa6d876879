"""Publishing a queue item (or the bureau's edit of a partner) through the target PUBLISH_TARGET names.

One module per kind (application, change, partner_edit) renders what it writes and records what it did;
flow runs every kind the same way through a target (targets: files in content/, or a commit in the site
repository via git) and, with SITE_BUILD=live, makes the live site follow (live).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..kinds import APPLICATION, CHANGE
from ..models import PartnerEdit, Submission
from . import application, change, flow
from .errors import PublishError
from .live import LiveSite
from .partner_edit import EditJob
from .publication import Publication
from .targets import Target, live_from_config, target_from_config


class Publisher(NamedTuple):
    """How one kind of item is published: what it would write, and the job that writes it."""

    render: Callable[[Submission, str | Path], Publication]
    job: Callable[[Submission, str, dt.datetime], flow.Job]


PUBLISHERS: dict[str, Publisher] = {
    APPLICATION: Publisher(application.render, application.ApplicationJob),
    CHANGE: Publisher(change.render, change.ChangeJob),
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
    """Publish `item` and mark it published, in one step or not at all; then the live site follows, if set."""
    return run(session, _publisher(item).job(item, actor, now or utcnow()), content_dir)


def publish_edit(session: Session, edit: PartnerEdit, content_dir: str | Path, actor: str) -> Publication:
    """Publish the bureau's draft edit of a partner, refused when the record changed since the form was opened."""
    return run(session, EditJob(edit, actor), content_dir)


def run(session: Session, job: flow.Job, content_dir: str | Path) -> Publication:
    """Run `job` through the app's target (files outside an app, as the tests of the kinds use it)."""
    config: dict[str, Any] = dict(current_app.config) if has_app_context() else {}
    target = target_from_config(config, content_dir)
    return flow.run(session, job, target, live_from_config(config, target.root))


def site() -> tuple[Target, LiveSite | None]:
    """The app's target and, with SITE_BUILD=live, its live site."""
    config = current_app.config
    target = target_from_config(config, config["CONTENT_DIR"])
    return target, live_from_config(config, target.root)


def rebuild() -> str:
    """Bring the working copy up to date and make a new live build of it; the build's name."""
    target, live = site()
    if live is None:
        raise PublishError(
            "SITE_BUILD staat op ‘none’: op deze server wordt de site niet gebouwd (dat doet de CI van de "
            "siterepository). Zet FORMHANDLER_SITE_BUILD=live om hier te bouwen."
        )
    with target.locked():  # the build reads the working copy: no publication may change it meanwhile
        commit = target.begin()
        return live.publish(commit[:12] or "bestanden")


__all__ = ["PUBLISHERS", "Publication", "PublishError", "publish", "publish_edit", "rebuild", "render", "site"]
