"""Development only: /beheer/postvak lists the outbox, so mail the log backend did not send can be read."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from ..clock import local_time
from ..db import get_session
from ..models import OutboxMessage
from ..web.headers import no_index
from .auth import login_required

bp = Blueprint("devmail", __name__, url_prefix="/beheer")
bp.after_request(no_index)
SHOWN = 100


@bp.route("/postvak")
@login_required
def outbox() -> ResponseReturnValue:
    """The newest messages of the outbox, sent or waiting, with their full text."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(SHOWN)
    messages = list(get_session().scalars(query))
    return render_template("admin/outbox.html", messages=messages, local_time=local_time, shown=SHOWN)


def init_app(app: Flask) -> None:
    """Register the page in development only: elsewhere /beheer/postvak does not exist (404)."""
    if app.config["DEVELOPMENT"]:
        app.register_blueprint(bp)
