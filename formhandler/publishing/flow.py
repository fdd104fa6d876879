"""The one way a publication is made: under the lock, up to date, written, validated, committed, pushed, recorded."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from partners.records import load_records

from .errors import PublishError
from .live import BuildError, LiveSite
from .publication import Publication
from .targets import Target

logger = logging.getLogger(__name__)
PROBLEMS_SHOWN = 5


class Job(Protocol):
    """One kind of publication: what it writes, its commit message, and what it records in the database."""

    actor: str

    def prepare(self, session: Session, content: Path) -> Publication: ...
    def message(self, publication: Publication) -> str: ...
    def record(self, session: Session, publication: Publication) -> None: ...


def run(session: Session, job: Job, target: Target, live: LiveSite | None = None) -> Publication:
    """Publish `job` through `target` in one step or not at all; then, if there is one, rebuild the live site."""
    with target.locked():
        before = target.begin()
        publication = job.prepare(session, target.content)
        files = publication.file_set(target.content)
        files.apply()
        commit = ""
        try:
            validate(target.content, target.root)
            commit = target.commit(files.names, job.message(publication), job.actor)
            publication = dataclasses.replace(publication, commit=commit)
            job.record(session, publication)
            session.flush()
            target.push()
        except BaseException as exc:
            session.rollback()
            files.undo()
            if before:
                target.undo(before)
            if isinstance(exc, SQLAlchemyError):
                raise PublishError("De wachtrij kon niet worden bijgewerkt; er is niets gepubliceerd.") from exc
            raise
        try:
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            if commit:
                target.withdraw(commit, f"Terugdraaien: {job.message(publication).splitlines()[0]}", job.actor)
            else:
                files.undo()
            raise PublishError("De wachtrij kon niet worden bijgewerkt; er is niets gepubliceerd.") from exc
        if live is not None:
            publication = _go_live(live, publication)
    return publication


def validate(content: Path, root: Path) -> None:
    """Refuse a content folder the build would refuse: every record and logo, as `make check` reads them."""
    _records, problems = load_records(content)
    if problems:
        shown = [str(p).replace(f"{root}/", "", 1) for p in problems[:PROBLEMS_SHOWN]]
        more = len(problems) - len(shown)
        raise PublishError(
            "Met deze publicatie zou de site niet meer bouwen, dus er is niets gepubliceerd: "
            + "; ".join(shown)
            + (f" (en nog {more})" if more else "")
            + ". Laat de redactie dit herstellen en publiceer daarna opnieuw."
        )


def _go_live(live: LiveSite, publication: Publication) -> Publication:
    """The production build and the switch; a failed build is reported, the publication itself stands."""
    try:
        name = live.publish(publication.commit[:12] or "bestanden")
    except BuildError as exc:
        return dataclasses.replace(publication, build_error=str(exc))
    except (PublishError, OSError) as exc:
        logger.warning("live build failed: %s", type(exc).__name__)
        message = str(exc) if isinstance(exc, PublishError) else "de map van de site kan niet worden geschreven"
        return dataclasses.replace(publication, build_error=f"De site is niet bijgewerkt: {message}")
    return dataclasses.replace(publication, build=name)
