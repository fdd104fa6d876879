"""CSRF protection (Flask-WTF) for every POST; the public forms run its check themselves to keep the input."""

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
