"""What every request and response passes through: the proxy, templates, CSRF, rate limits, errors, headers."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import converters, errors, formparser, headers, session, templates
from .csrf import csrf
from .limiter import limiter


def init_app(app: Flask) -> None:
    """Wire the request-wide pieces into `app`."""
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    converters.init_app(app)
    session.init_app(app)
    formparser.init_app(app)
    templates.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
