"""Tables of the review queue. Limits of the form live on the columns they fill."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Dialect, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from .clock import utcnow
from .kinds import APPLICATION
from .unicode_keys import email_key


def _email_key_default(context: Any) -> str:
    """The email_key of the row being inserted, for inserts that did not give one."""
    return email_key(context.get_current_parameters().get("email") or "")


# Field limits, defined once: the form's Length validators read these.
LIMITS = {
    "organisation_name": 120,  # = partners.schema.TITLE_MAX
    "website": 300,
    "kvk_number": 8,
    "city": 80,
    "contact_name": 120,
    "contact_role": 120,
    "email": 254,
    "phone": 30,
    "contribution_text": 2000,
    "motivation": 4000,
}
#: Case folding can lengthen an address (ß becomes ss): room for three times the e-mail limit.
EMAIL_KEY_MAX = 3 * LIMITS["email"]


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment stored as UTC and read back timezone-aware, on SQLite as on PostgreSQL."""

    # The column stays DateTime(timezone=True), so the schema does not change: PostgreSQL keeps
    # the zone itself; SQLite keeps none, so what it stores is made UTC here and read back as UTC.
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        """Any aware moment, converted to UTC; a naive one is refused (its zone is a guess)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"Een tijdstip zonder tijdzone kan niet worden opgeslagen: {value!r}")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        """The stored moment in UTC, always with its zone."""
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base with one metadata for Alembic."""


class Submission(Base):
    """One application (or change request) in the review queue."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default=APPLICATION, index=True)
    state: Mapped[str] = mapped_column(String(30), default="nieuw", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # A hash of the normalised submission: the same form sent twice is stored once.
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)

    organisation_name: Mapped[str] = mapped_column(String(LIMITS["organisation_name"]))
    organisation_type: Mapped[str] = mapped_column(String(40))
    website: Mapped[str] = mapped_column(String(LIMITS["website"]), default="")
    kvk_number: Mapped[str] = mapped_column(String(LIMITS["kvk_number"]), default="")
    city: Mapped[str] = mapped_column(String(LIMITS["city"]), default="")
    contact_name: Mapped[str] = mapped_column(String(LIMITS["contact_name"]))
    contact_role: Mapped[str] = mapped_column(String(LIMITS["contact_role"]), default="")
    email: Mapped[str] = mapped_column(String(LIMITS["email"]), index=True)
    # email_key() of the address: SQLite's lower() folds ASCII only, so look-ups compare this (issue 20).
    email_key: Mapped[str | None] = mapped_column(String(EMAIL_KEY_MAX), index=True, default=_email_key_default)
    phone: Mapped[str] = mapped_column(String(LIMITS["phone"]), default="")
    offers_stop_support: Mapped[bool] = mapped_column(Boolean, default=False)
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    criteria_hash: Mapped[str] = mapped_column(String(64))
    criteria_accepted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    company_acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)
    contributions: Mapped[list] = mapped_column(JSON, default=list)
    contribution_text: Mapped[str] = mapped_column(Text, default="")
    motivation: Mapped[str] = mapped_column(Text, default="")
    privacy_consent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Reasons a reviewer should look twice (many links, disposable address); never blocks.
    suspect_reasons: Mapped[list] = mapped_column(JSON, default=list)
    published_slug: Mapped[str] = mapped_column(String(80), default="")
    # A change request (kind "wijziging"): which record, what it asks for, and the record file's
    # sha256 when the request was approved, so publishing never overwrites an editor's later edit.
    target_slug: Mapped[str] = mapped_column(String(80), default="", server_default="", index=True)
    requested: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    record_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # Publishing: the reviewer's edits of the record before it is published (field -> value, only
    # what differs from the applicant's), and the commit that published the item (PUBLISH_TARGET=git).
    record_edits: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    published_commit: Mapped[str] = mapped_column(String(40), default="", server_default="")

    logo: Mapped[Logo | None] = relationship(back_populates="submission", uselist=False, cascade="all, delete-orphan")
    events: Mapped[list[Event]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="Event.id"
    )


class PartnerEdit(Base):
    """The bureau's edit of a current partner's record: a draft until it is published as one commit."""

    __tablename__ = "partner_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(20), default="concept")  # concept | gepubliceerd
    # The sha256 of the record when the edit form was opened: saving refuses a record changed since.
    base_sha256: Mapped[str] = mapped_column(String(64))
    record_text: Mapped[str] = mapped_column(Text)
    changed: Mapped[list] = mapped_column(JSON, default=list)  # Dutch labels of the changed fields
    logo_filename: Mapped[str] = mapped_column(String(120), default="")
    logo_data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    commit: Mapped[str] = mapped_column(String(40), default="")
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Logo(Base):
    """The cleaned logo bytes, stored in the same transaction as their submission."""

    __tablename__ = "logos"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    kind: Mapped[str] = mapped_column(String(10))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    submission: Mapped[Submission] = relationship(back_populates="logo")


class Event(Base):
    """One step in a submission's history: who, when, from which state to which, and why."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    from_state: Mapped[str] = mapped_column(String(30), default="")
    to_state: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    submission: Mapped[Submission] = relationship(back_populates="events")


class User(Base):
    """A reviewer of the bureau. Passwords are argon2id hashes; there is no default account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped at logout and password change: every session issued before is void.
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    # Set when the account is disabled: it cannot log in and its sessions end; None while active.
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class OutboxMessage(Base):
    """A mail waiting to be sent; written in the same transaction as what caused it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), nullable=True, index=True
    )
    # The applicant's status link is added when the mail is sent: its token is minted then and
    # stored only as a hash, so no usable link ever rests in the outbox.
    status_link: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    attachments: Mapped[list[OutboxAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="OutboxAttachment.id", lazy="selectin"
    )


# --- the joining procedure: attachments, status links, signed agreements ----------------------


class OutboxAttachment(Base):
    """A file sent with an outbox mail, stored as it was made at the step: a re-send sends the same bytes."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(120))
    mimetype: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class StatusToken(Base):
    """One status link sent to an applicant: only the sha256 of its random token is kept."""

    __tablename__ = "status_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignedAgreement(Base):
    """A signed partner agreement the applicant uploaded: a checked PDF, or a re-encoded PNG or JPEG scan."""

    __tablename__ = "signed_agreements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(10))  # pdf, png or jpeg
    pages: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
