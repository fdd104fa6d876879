"""The status page at /aanmelden/status/: opened by the link in a mail, then kept in the session, never in the URL."""

from __future__ import annotations

import hashlib
import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from limits import parse
from sqlalchemy import func, select
from werkzeug.exceptions import RequestEntityTooLarge

from .. import tokens
from ..agreement.signed import MAX_PAGES, SignedError, check_signed
from ..clock import local_date
from ..db import get_session
from ..kinds import APPLICATION
from ..mail import messages, outbox
from ..mail.texts import one_line
from ..models import SignedAgreement, Submission
from ..queue import SYSTEM_ACTOR, add_note, change_state
from ..states import CLOSING, FINAL_STATES
from ..web.csrf import csrf
from ..web.errors import error_page
from ..web.headers import no_index
from ..web.limiter import limiter
from .forms import ResendForm, UploadForm, WithdrawForm
from .steps import CLOSED, progress

bp = Blueprint("status", __name__, url_prefix="/aanmelden/status")
bp.after_request(no_index)
logger = logging.getLogger(__name__)

SESSION_KEY = "status_item"
APPLICANT = "aanvrager"
# Mails a single address can ask for in a day, whoever asks: nobody's mailbox is flooded.
PER_ADDRESS = parse("3 per day")
CSRF_MESSAGE = "Het formulier was te lang open. Er is niets verstuurd: probeer het opnieuw."


def _item_from_session() -> Submission | None:
    """The item whose link this browser followed, while that link is alive."""
    held = session.get(SESSION_KEY)
    if not isinstance(held, dict) or not isinstance(held.get("hash"), str):
        return None
    return tokens.item_for_hash(get_session(), held["hash"], int(current_app.config["STATUS_LINK_DAYS"]))


def _item_or_404() -> Submission:
    item = _item_from_session()
    if item is None:
        abort(404)
    return item


@bp.get("/")
def show() -> ResponseReturnValue:
    """With ?code=: check the token, keep it in the session and redirect; without: the page, or the resend form."""
    if tokens.TOKEN_PARAMETER in request.args:
        token = request.args.get(tokens.TOKEN_PARAMETER, "")
        item = tokens.find(get_session(), token, int(current_app.config["STATUS_LINK_DAYS"]))
        if item is None:
            abort(404)  # wrong, expired or closed: exactly like a page that does not exist
        session[SESSION_KEY] = {"id": item.id, "hash": tokens.token_hash(token)}
        # The address bar, the history and any later Referer lose the token.
        return redirect(url_for("status.show"), code=303)
    item = _item_from_session()
    if item is None:
        return render_template("status/link.html", form=ResendForm(), sent=False)
    return render_status(item)


def render_status(
    item: Submission, upload: UploadForm | None = None, withdraw: WithdrawForm | None = None, status: int = 200
) -> ResponseReturnValue:
    """The status page of `item`, with the forms (and their errors) for what the applicant can do now."""
    reached = item.state
    if item.state in CLOSING:
        earlier = [e.from_state for e in item.events if e.to_state == item.state and e.from_state != item.state]
        reached = earlier[-1] if earlier else "nieuw"
    documents = get_session().scalars(
        select(SignedAgreement).where(SignedAgreement.submission_id == item.id).order_by(SignedAgreement.id)
    )
    return render_template(
        "status/page.html",
        item=item,
        steps=progress(item.kind, reached),
        closed=CLOSED.get(item.state, ""),
        can_upload=item.kind == APPLICATION and item.state == "stukken_verstuurd",
        can_withdraw=item.kind == APPLICATION and item.state not in FINAL_STATES,
        documents=list(documents),
        upload=upload or UploadForm(formdata=None),
        withdraw=withdraw or WithdrawForm(formdata=None),
        max_pages=MAX_PAGES,
        local_date=local_date,
    ), status


def _protect() -> bool:
    """Run the CSRF check here, so a stale form is a message on the page rather than a bare 400."""
    try:
        csrf.protect()
    except CSRFError:
        return False
    return True


TOO_LARGE = (
    "Dit bestand kunnen wij niet aannemen: het is groter dan 2 MB. Maak de scan kleiner of sla de PDF kleiner op."
)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(exc: RequestEntityTooLarge) -> ResponseReturnValue:
    """An upload over the request limit (refused before any view runs): the status page with the reason."""
    item = _item_from_session()
    if item is None or request.endpoint != "status.upload_signed":
        return error_page(413)
    form = UploadForm(formdata=None)
    form.signed.errors = [TOO_LARGE]
    return render_status(item, upload=form, status=413)


@bp.post("/ondertekend")
@limiter.limit(lambda: current_app.config["FORM_RATE_LIMIT"])
def upload_signed() -> ResponseReturnValue:
    """Receive the signed agreement: checked, stored, the bureau told; the reviewer moves the item on."""
    item = _item_or_404()
    form = UploadForm(formdata=None)
    if not _protect():
        form.signed.errors = [CSRF_MESSAGE]
        return render_status(item, upload=form)
    form = UploadForm()
    if item.kind != APPLICATION or item.state != "stukken_verstuurd":
        form.signed.errors = ["Een getekende overeenkomst kunt u alleen sturen nadat wij u de overeenkomst stuurden."]
        return render_status(item, upload=form)
    if not form.validate():
        return render_status(item, upload=form)
    try:
        signed = check_signed(form.signed.data.stream.read(form.max_bytes + 1))
    except SignedError as exc:
        form.signed.errors = [str(exc)]
        return render_status(item, upload=form)
    db = get_session()
    db.add(
        SignedAgreement(
            submission_id=item.id, kind=signed.kind, pages=signed.pages, sha256=signed.sha256, data=signed.data
        )
    )
    what = "PDF" if signed.kind == "pdf" else f"scan ({signed.kind.upper()})"
    pages = "1 pagina" if signed.pages == 1 else f"{signed.pages} pagina’s"
    add_note(item, APPLICANT, f"Getekende overeenkomst ontvangen via de statuspagina: {what}, {pages}")
    messages.notify_bureau(
        db,
        item,
        f"Getekende overeenkomst ontvangen: {item.organisation_name}",
        f"De aanvrager van nummer {item.id} heeft de getekende partnerovereenkomst gestuurd ({what}, {pages}).\n"
        "Bekijk haar en zet de aanmelding daarna op ‘Overeenkomst getekend’.",
    )
    db.commit()
    outbox.send_now(item.id)
    flash("Dank u wel. Wij hebben de getekende overeenkomst ontvangen. Het Alliantiebureau kijkt haar na.", "success")
    return redirect(url_for("status.show"), code=303)


@bp.post("/intrekken")
@limiter.limit(lambda: current_app.config["FORM_RATE_LIMIT"])
def withdraw() -> ResponseReturnValue:
    """Withdraw the application after an explicit confirmation; the applicant and the bureau get a message."""
    item = _item_or_404()
    if not _protect():
        form = WithdrawForm(formdata=None)
        form.confirm.errors = [CSRF_MESSAGE]
        return render_status(item, withdraw=form)
    form = WithdrawForm()
    if item.kind != APPLICATION or item.state in FINAL_STATES:
        form.confirm.errors = ["Deze aanmelding kan niet meer worden ingetrokken."]
        return render_status(item, withdraw=form)
    if not form.validate():
        return render_status(item, withdraw=form)
    db = get_session()
    change_state(item, "ingetrokken", APPLICANT, "Ingetrokken door de aanvrager via de statuspagina")
    draft = messages.default_message(item, "ingetrokken")
    if draft is not None:
        messages.enqueue(db, item, draft, APPLICANT)
    messages.notify_bureau(
        db,
        item,
        f"Aanmelding ingetrokken: {item.organisation_name}",
        f"De aanvrager heeft aanmelding nummer {item.id} ingetrokken via de statuspagina.",
    )
    db.commit()
    outbox.send_now(item.id)
    flash("Uw aanmelding is ingetrokken. U krijgt een bevestiging per e-mail.", "success")
    return redirect(url_for("status.show"), code=303)


def _address_key(email: str) -> str:
    """The per-address counter's key: a hash, so the limiter's storage holds no address."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


@bp.post("/link")
@limiter.limit(lambda: current_app.config["STATUS_RATE_LIMIT"])
def resend() -> ResponseReturnValue:
    """Send a fresh link for every live item of an address; the answer is the same whether it is known or not."""
    form = ResendForm(formdata=None)
    if not _protect():
        form.email.errors = [CSRF_MESSAGE]
        return render_template("status/link.html", form=form, sent=False)
    form = ResendForm()
    if not form.validate():
        return render_template("status/link.html", form=form, sent=False)
    email = form.email.data.strip()
    if _within_address_limit(email):
        _send_links(email)
    return render_template("status/link.html", form=ResendForm(formdata=None), sent=True)


def _within_address_limit(email: str) -> bool:
    """Count one request for this address; False once it asked too often today (the answer stays the same)."""
    if not (current_app.config.get("RATELIMIT_ENABLED") and limiter.enabled):
        return True
    return bool(limiter.limiter.hit(PER_ADDRESS, "status-resend", _address_key(email)))


def _send_links(email: str) -> None:
    """A mail with a new status link for each of this address's items whose link is still alive."""
    db = get_session()
    items = db.scalars(
        select(Submission).where(func.lower(Submission.email) == email.lower(), Submission.state != "spam")
    )
    days = int(current_app.config["STATUS_LINK_DAYS"])
    alive = [item for item in items if tokens.link_alive(item, days)]
    for item in alive:
        what = "aanmelding" if item.kind == APPLICATION else "wijzigingsverzoek"
        messages.enqueue(
            db,
            item,
            messages.Draft(
                "Uw link naar de statuspagina",
                f"Goedendag,\n\nU vroeg om een nieuwe link naar de statuspagina van uw {what} voor "
                f"{one_line(item.organisation_name)} (nummer {item.id}). U vindt hem onderaan deze e-mail.\n\n"
                "Heeft u hier niet om gevraagd? Dan kunt u deze e-mail negeren: zonder de link kan niemand "
                f"uw statuspagina openen.\n\n{messages.SIGN_OFF}",
            ),
            SYSTEM_ACTOR,
        )
    db.commit()
    for item in alive:
        outbox.send_now(item.id)


csrf.exempt(upload_signed)
csrf.exempt(withdraw)
csrf.exempt(resend)
