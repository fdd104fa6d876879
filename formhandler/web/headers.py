"""Security headers on every response of the app; deploy/nginx-security-headers.conf repeats them for the site."""

from __future__ import annotations

from flask import Flask, Response

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: Set on every response unless a view set its own (the admin's logo preview sets a sandboxing CSP).
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: Only outside development: a browser that saw it refuses plain http://localhost for a year.
HSTS = ("Strict-Transport-Security", "max-age=31536000")


def no_index(response: Response) -> Response:
    """Keep a page out of search engines (base.html has no block for a robots meta tag)."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def init_app(app: Flask) -> None:
    """Set the security headers on every response."""

    @app.after_request
    def set_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if not app.config["DEVELOPMENT"]:
            response.headers.setdefault(*HSTS)
        # Pages with personal data or a form token must never be stored by a shared cache.
        response.headers.setdefault("Cache-Control", "no-store")
        return response
