"""WSGI entry for gunicorn (`formhandler.wsgi:app`); production settings come from FORMHANDLER_* variables."""

from formhandler import create_app
from formhandler.db import require_newest_schema
from formhandler.web.drain import DrainBody

app = create_app()
require_newest_schema(app)
app.wsgi_app = DrainBody(app.wsgi_app)  # type: ignore[method-assign]
