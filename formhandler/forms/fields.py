"""Fields, input filters and the form base class both public forms use."""

from __future__ import annotations

import re
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import SelectMultipleField
from wtforms.meta import DefaultMeta
from wtforms.widgets import CheckboxInput, ListWidget

from partners.logos import Logo


def strip(value: Any) -> Any:
    """Surrounding whitespace goes."""
    return value.strip() if isinstance(value, str) else value


def digits_only(value: Any) -> Any:
    """KvK numbers are often typed with spaces or dots: keep the digits."""
    return re.sub(r"[\s.]", "", value) if isinstance(value, str) else value


def add_scheme(value: Any) -> Any:
    """'www.example.nl' is what most people type; the record needs an absolute URL."""
    if isinstance(value, str) and value.strip() and "://" not in value:
        return "https://" + value.strip()
    return strip(value)


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes that returns a list of the chosen values."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PublicForm(FlaskForm):
    """Base of the registration and change-request forms; `checked_logo` is set by the logo validator."""

    checked_logo: Logo | None = None

    class Meta:
        # Flask-WTF's i18n needs Flask-Babel, which we do not use: load WTForms' own Dutch catalogue.
        locales = ("nl_NL", "nl")
        # The views run CSRFProtect's check themselves (to keep the input on a stale token), and the
        # template renders the token with csrf_token(): a form field would sign a fresh token for
        # every POST and check the token a second time.
        csrf = False

        def get_translations(self, form: Any) -> Any:
            """WTForms' own Dutch messages."""
            return DefaultMeta.get_translations(self, form)

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """Only what a browser sends: text fields from the form body and a file only as the logo."""
            # Flask-WTF would also take JSON bodies and files under any name, handing the text
            # validators objects they cannot read.
            if formdata is None or hasattr(formdata, "getlist"):
                return formdata
            if request.method != "POST":
                return None
            logo = MultiDict([("logo", upload) for upload in request.files.getlist("logo")])
            return CombinedMultiDict((logo, request.form))
