"""WSGI entry for gunicorn (`formhandler.wsgi:app`); production config comes from FORMHANDLER_* environment variables."""

from formhandler import create_app
from formhandler.drain import DrainBody

app = create_app()
app.wsgi_app = DrainBody(app.wsgi_app)
