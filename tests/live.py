"""A real HTTP server (werkzeug, threaded) running the app and the built site on loopback."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from werkzeug.serving import make_server

from formhandler import create_app
from formhandler.devserver import add_site_routes
from tests.conftest import ROOT, run_pelican
from tests.formhandler.helpers import SECRET, add_user


class LiveServer:
    """Start with a config; `url` is the base address; `stop()` shuts it down."""

    def __init__(self, config: dict) -> None:
        self.app = create_app(
            {
                "TESTING": False,
                "SECRET_KEY": SECRET,
                "MIN_FILL_SECONDS": 0,
                "RATELIMIT_ENABLED": False,
                "PASSWORD_HASH_PROFILE": "CHEAPEST",
                "DEVELOPMENT": True,
                **config,
            }
        )
        add_site_routes(self.app)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Shut the server down and close the app's connections."""
        self.server.shutdown()
        self.app.extensions["formhandler.engine"].dispose()


def reviewer_server(base: Path) -> LiveServer:
    """The app and the built site under `base`, with a reviewer and a copy of content/ that publishing writes into."""
    content = base / "content"
    shutil.copytree(ROOT / "content", content)
    site = run_pelican(content, base / "site")
    server = LiveServer(
        {"DATABASE_URL": f"sqlite:///{base / 'q.sqlite3'}", "SITE_DIR": str(site), "CONTENT_DIR": str(content)}
    )
    add_user(server.app)
    return server
