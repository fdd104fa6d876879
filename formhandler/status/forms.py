"""The status page's forms: the signed agreement, withdrawing, and asking for the link again."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Email, Length

from ..agreement.signed import MAX_BYTES
from ..models import LIMITS


class _Form(FlaskForm):
    """Dutch WTForms messages; the views run the CSRF check themselves (to answer on the page)."""

    class Meta:
        csrf = False
        locales = ("nl_NL", "nl")

        def get_translations(self, form: object) -> object:
            """WTForms' own Dutch messages."""
            return DefaultMeta.get_translations(self, form)


class UploadForm(_Form):
    """The signed agreement, as a PDF or a scan."""

    max_bytes = MAX_BYTES
    signed = FileField(
        "De getekende overeenkomst",
        validators=[FileRequired("Kies het bestand met de getekende overeenkomst.")],
    )


class WithdrawForm(_Form):
    """Withdrawing only with an explicit tick."""

    confirm = BooleanField(
        "Ja, ik trek deze aanmelding in",
        validators=[DataRequired("Vink aan dat u de aanmelding wilt intrekken; er is niets veranderd.")],
    )


class ResendForm(_Form):
    """The address the link should go to."""

    email = EmailField(
        "Uw e-mailadres",
        validators=[
            DataRequired("Vul het e-mailadres in waarmee u zich aanmeldde."),
            Length(max=LIMITS["email"], message="Dit e-mailadres is te lang."),
            Email("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl.", check_deliverability=False),
        ],
    )
