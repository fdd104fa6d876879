"""What the admin says about a publication: the commit, the partner's live page, and a build that failed."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash

from ..mail.messages import partner_page
from ..models import Submission
from ..publishing.publication import Publication

BUILD_ERROR_MAX = 1500  # a flash lives in the session cookie: a build's output must not fill it


def flash_publication(publication: Publication, *, change: bool, sent: str = "") -> None:
    """The reviewer's message after publishing: where it went, and a failed live build with its errors."""
    what = "De wijziging is gepubliceerd" if change else "De nieuwe partner is gepubliceerd"
    if publication.commit:
        pushed = " en gepusht" if current_app.config["PUBLISH_PUSH"] else ""
        flash(f"{what}: vastgelegd in commit {publication.commit[:12]}{pushed}.{sent}", "success")
    else:
        flash(
            f"{what}: het partnerrecord{' en het logo zijn' if publication.logo_filename else ' is'} geschreven "
            f"in de contentmap. Vergeet niet te committen.{sent}",
            "success",
        )
    if publication.build_error:
        flash(publication.build_error[:BUILD_ERROR_MAX], "error")


def published_view(item: Submission) -> dict[str, Any]:
    """The detail page's facts of a published item: its commit and its live page."""
    if item.state != "gepubliceerd" or not item.published_slug:
        return {}
    return {"published_commit": item.published_commit, "live_url": partner_page(item.published_slug)}
