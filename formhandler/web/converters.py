"""URL converters bounded to what the database can store, so an id no column can hold is a 404, never a 500."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

#: The largest value of an `Integer` column on PostgreSQL (int4); SQLite holds more, but the ids are shared.
ID_MAX = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` that only matches 0 … ID_MAX: a larger number in a URL matches no route."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Replace the `int` converter app-wide; must run before any blueprint adds its routes."""
    app.url_map.converters["int"] = BoundedIntegerConverter
