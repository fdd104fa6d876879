"""The documents sent at `stukken_verstuurd`: the agreement made for this organisation, and the bureau's fixed files."""

from __future__ import annotations

import datetime as dt
import mimetypes
from pathlib import Path

from flask import current_app

from ..mail.messages import Attachment
from ..models import Submission
from .pdf import MIMETYPE, filename, make_pdf
from .template import AgreementError, agreement_blocks

# A mail server refuses messages of more than about 10 MB; the agreement itself is some 30 kB.
FIXED_MAX_BYTES = 5_000_000


def agreement(item: Submission, moment: dt.datetime) -> Attachment:
    """The partner agreement for `item` as a PDF attachment, dated `moment`."""
    config = current_app.config
    blocks = agreement_blocks(
        item,
        moment,
        instance_path=current_app.instance_path,
        template=str(config["AGREEMENT_TEMPLATE"]),
        retention_days=int(config["SIGNED_RETENTION_DAYS"]),
    )
    data = make_pdf(
        blocks,
        title=f"Partnerovereenkomst {item.organisation_name}",
        footer=f"Partnerovereenkomst nr. {item.id}",
        moment=moment,
    )
    return Attachment(filename(item.id), MIMETYPE, data)


def fixed_attachments() -> list[Attachment]:
    """The files AGREEMENT_ATTACHMENTS names in the instance folder; AgreementError when one is missing."""
    files = []
    for name in current_app.config["AGREEMENT_ATTACHMENTS"] or ():
        path = Path(current_app.instance_path) / Path(str(name)).name
        if not path.is_file():
            raise AgreementError(
                f"De vaste bijlage ‘{Path(str(name)).name}’ staat niet in de instance-map "
                f"({current_app.instance_path}). Zet het bestand daar, of haal het uit AGREEMENT_ATTACHMENTS."
            )
        if path.stat().st_size > FIXED_MAX_BYTES:
            raise AgreementError(f"De vaste bijlage ‘{path.name}’ is groter dan 5 MB; zo’n mail komt vaak niet aan.")
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        files.append(Attachment(path.name, mimetype, path.read_bytes()))
    return files


def documents_for(item: Submission, moment: dt.datetime) -> list[Attachment]:
    """Everything the message at `stukken_verstuurd` carries: the agreement first."""
    return [agreement(item, moment), *fixed_attachments()]


__all__ = ["AgreementError", "agreement", "documents_for", "fixed_attachments"]
