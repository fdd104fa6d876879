"""`make run`: the built site, the form and the admin from one local process (development only)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from flask import Flask, abort, send_from_directory
from flask.typing import ResponseReturnValue

BANNER = """
  Alliantie Nederland Rookvrij! draait op http://{host}:{port}/
    site:       http://{host}:{port}/
    formulier:  http://{host}:{port}/aanmelden/
    beheer:     http://{host}:{port}/beheer/
  Eerste beoordelaar aanmaken (in een tweede terminal):
    make reviewer NAME=uw-naam
  Mail wordt in deze modus niet verstuurd maar in dit venster getoond;
    u leest haar ook in het beheer: http://{host}:{port}/beheer/postvak
  Stoppen: Ctrl+C.
"""


def add_site_routes(app: Flask) -> None:
    """Serve the Pelican output for every path the app itself does not handle."""
    site = Path(app.config["SITE_DIR"]).resolve()

    def site_file(path: str = "") -> ResponseReturnValue:
        target = (site / path).resolve()
        if site not in target.parents and target != site:
            abort(404)
        if target.is_dir():
            if not path.endswith("/") and path:
                return app.redirect(f"/{path}/", 308)
            path = (path.rstrip("/") + "/index.html").lstrip("/")
        if not (site / path).is_file():
            response = send_from_directory(site, "404.html") if (site / "404.html").is_file() else abort(404)
            response.status_code = 404
            return response
        response = send_from_directory(site, path)
        response.headers["Cache-Control"] = "no-cache"
        return response

    app.add_url_rule("/", "site_index", site_file)
    app.add_url_rule("/<path:path>", "site_file", site_file)


def main(argv: list[str] | None = None) -> None:
    """Start the development server on --host and --port."""
    parser = argparse.ArgumentParser(description="Ontwikkelserver: site, formulier en beheer.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    args = parser.parse_args(argv)
    os.environ.setdefault("FORMHANDLER_DEVELOPMENT", "true")
    # One process, no timer: mail (written to this terminal) goes out with the request.
    os.environ.setdefault("FORMHANDLER_MAIL_SEND_INLINE", "true")
    # Links in the mails (the status page, a partner's page) lead to this server, not to the live site.
    os.environ.setdefault("FORMHANDLER_PUBLIC_URL", f"http://{args.host}:{args.port}")
    from formhandler import create_app
    from formhandler.db import require_newest_schema

    app = create_app()
    require_newest_schema(app)
    add_site_routes(app)
    print(BANNER.format(host=args.host, port=args.port), flush=True)
    app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
