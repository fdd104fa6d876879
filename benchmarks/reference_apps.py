"""The load benchmark's reference apps, served by the same gunicorn config: every figure is also a ratio."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, redirect, request
from flask.typing import ResponseReturnValue
from wtforms import EmailField, Form, StringField, validators


def plain(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The cheapest WSGI answer: what gunicorn itself costs per request."""
    body = b"ok\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


class MinimalForm(Form):
    organisation_name = StringField(validators=[validators.InputRequired(), validators.Length(max=200)])
    email = EmailField(validators=[validators.InputRequired(), validators.Length(max=200)])
    city = StringField(validators=[validators.InputRequired(), validators.Length(max=100)])


minimal = Flask(__name__)
_connection: sqlite3.Connection | None = None


def _database() -> sqlite3.Connection:
    """One connection per worker, with the project's pragmas: WAL, synchronous=FULL, a busy timeout."""
    global _connection
    if _connection is None:
        _connection = sqlite3.connect(os.environ["BENCH_MINIMAL_DATABASE"], timeout=5, isolation_level=None)
        _connection.execute("PRAGMA journal_mode = WAL")
        _connection.execute("PRAGMA synchronous = FULL")
    return _connection


def create_minimal_schema(path: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS application"
            " (id INTEGER PRIMARY KEY, organisation_name TEXT, email TEXT, city TEXT)"
        )


@minimal.get("/")
def ready() -> ResponseReturnValue:
    return "ok"


@minimal.post("/")
def submit() -> ResponseReturnValue:
    """Parse the multipart body, validate three fields, insert one row, commit, 303."""
    form = MinimalForm(request.form)
    if not form.validate():
        return "invalid", 200
    connection = _database()
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO application (organisation_name, email, city) VALUES (?, ?, ?)",
            (form.organisation_name.data, form.email.data, form.city.data),
        )
    return redirect("/", code=303)
