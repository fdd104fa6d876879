"""`python -m partners serve`: the editors' preview that rebuilds on every save and reloads the browser.

The preview server serves the output folder and adds one script to every HTML page it sends. That
script listens to a server-sent-events stream: after a good rebuild it reloads the page, after a
failed one it shows the problems in the page (the terminal prints them too). The built files
themselves are those of a normal build: nothing of the preview is written into them.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import queue
import sys
import threading
import time
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PREFIX = "/__voorbeeld/"
EVENTS, SCRIPT = PREFIX + "events", PREFIX + "live.js"
SCRIPT_FILE = Path(__file__).resolve().parent / "preview.js"
HEARTBEAT_SECONDS = 10  # a comment line this often, so a closed tab ends its stream
NO_BUILD_YET = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Voorbeeld</title></head>
<body><main><h1>Nog geen voorbeeld</h1><p>De site is nog niet gebouwd.</p></main></body></html>
"""


class BuildStatus:
    """The number of the latest build and its problems (none after a good build), shared by the threads."""

    def __init__(self) -> None:
        self.version = 0
        self.problems: list[str] = []
        self._changed = threading.Condition()

    def publish(self, problems: list[str]) -> None:
        """Record a finished build and wake every waiting stream."""
        with self._changed:
            self.version += 1
            self.problems = list(problems)
            self._changed.notify_all()

    def wait_after(self, version: int, timeout: float) -> tuple[int, list[str]]:
        """The status once a build newer than `version` finished, or the current one after `timeout`."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != version, timeout=timeout)
            return self.version, list(self.problems)

    def event(self) -> bytes:
        """The current status as one server-sent event."""
        return _event(self.version, self.problems)


def _event(version: int, problems: list[str]) -> bytes:
    """One `status` event: the build number and its problems, as JSON."""
    data = json.dumps({"version": version, "problems": problems}, ensure_ascii=False)
    return f"event: status\ndata: {data}\n\n".encode()


class PreviewHandler(SimpleHTTPRequestHandler):
    """Files of the output folder, the event stream, and the live script added to every HTML page."""

    status: BuildStatus  # set on the subclass that serve() makes

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal is for build messages."""

    def end_headers(self) -> None:
        # Every response is fresh: a rebuilt page must never come from the browser's cache.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        """Events, the script, an HTML page with the script, or any other file as it is."""
        path = self.path.split("?", 1)[0]
        if path == EVENTS:
            self._stream()
        elif path == SCRIPT:
            self._send(SCRIPT_FILE.read_bytes(), "text/javascript; charset=utf-8")
        else:
            self._file(path)

    def _file(self, path: str) -> None:
        """An HTML page with the live script added, or another file through the standard handler."""
        target = Path(self.translate_path(path))
        if target.is_dir():
            if not path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.end_headers()
                return
            target = target / "index.html"
        if not target.is_file():
            missing = Path(self.directory) / "404.html"
            page = missing.read_bytes() if missing.is_file() else NO_BUILD_YET.encode()
            self._send(self._with_script(page), "text/html; charset=utf-8", HTTPStatus.NOT_FOUND)
        elif target.suffix == ".html":
            self._send(self._with_script(target.read_bytes()), "text/html; charset=utf-8")
        else:
            super().do_GET()

    def _with_script(self, page: bytes) -> bytes:
        """The page with the live script before </head>, marked with the build it belongs to."""
        tag = f'<script src="{SCRIPT}" data-build="{self.status.version}" defer></script>'.encode()
        head = page.find(b"</head>")
        return page[:head] + tag + page[head:] if head != -1 else page + tag

    def _send(self, body: bytes, content_type: str, code: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream(self) -> None:
        """The status now, then after every build, until the browser goes away."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        version = self.status.version
        try:
            self.wfile.write(self.status.event())
            self.wfile.flush()
            while True:
                newer, problems = self.status.wait_after(version, HEARTBEAT_SECONDS)
                self.wfile.write(_event(newer, problems) if newer != version else b": wacht\n\n")
                self.wfile.flush()
                version = newer
        except OSError:  # the tab was closed or reloaded
            return


def serve(args: argparse.Namespace) -> int:
    """Serve, build once, then rebuild after every batch of changes until Ctrl-C."""
    import watchfiles

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("partners.plugin").setLevel(logging.CRITICAL)  # rebuild() prints the problems once
    output = Path(args.output).resolve()
    output.mkdir(parents=True, exist_ok=True)
    status = BuildStatus()
    handler = type("Handler", (PreviewHandler,), {"status": status})
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer((args.host, args.port), functools.partial(handler, directory=str(output)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Voorbeeld op http://{args.host}:{args.port}/ — stoppen met Ctrl-C.", flush=True)
    settings = serve_settings(args)
    # One watcher for the whole session, started before the first build: a save made while a
    # build runs (or right after the first one) is queued, never lost.
    watched = [args.content, settings["THEME"], args.settings]
    pending: queue.Queue = queue.Queue()
    ready = threading.Event()

    def watch() -> None:
        """Queue every batch of changes the watcher reports."""
        for changes in watchfiles.watch(*watched, debounce=200, step=50, yield_on_timeout=True, rust_timeout=200):
            ready.set()  # the first (empty) yield means the watcher is live
            if changes:
                pending.put(changes)

    threading.Thread(target=watch, daemon=True).start()
    ready.wait(timeout=30)
    status.publish(rebuild(settings))
    try:
        while True:
            changes = pending.get()
            while not pending.empty():
                changes |= pending.get_nowait()
            names = ", ".join(sorted({Path(p).name for _, p in changes}))
            print(f"Gewijzigd: {names}; opnieuw bouwen…", flush=True)
            status.publish(rebuild(serve_settings(args)))
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


def serve_settings(args: argparse.Namespace) -> dict:
    """Read the settings again for every build, so a changed pelicanconf.py takes effect."""
    from pelican.settings import read_settings

    return read_settings(
        args.settings,
        override={
            "PATH": str(Path(args.content).resolve()),
            "OUTPUT_PATH": str(Path(args.output).resolve()),
            # The feeds', sitemap's and badge's absolute links point at this preview.
            "PARTNERS_DEV_SITEURL": f"http://{args.host}:{args.port}",
        },
    )


def rebuild(settings: dict) -> list[str]:
    """One build; its problems (none when it worked), also printed, while the last good output stays online."""
    from pelican import Pelican

    from .records import RecordError

    start = time.perf_counter()
    try:
        Pelican(settings).run()
    except RecordError as exc:
        problems = [str(problem) for problem in exc.problems]
    except Exception as exc:  # a broken template or page must not stop the preview either
        problems = [f"Bouwen mislukt: {exc}"]
    else:
        print(f"Klaar in {time.perf_counter() - start:.1f} s.", flush=True)
        return []
    for problem in problems:
        print(problem, file=sys.stderr, flush=True)
    count = "1 fout" if len(problems) == 1 else f"{len(problems)} fouten"
    print(
        f"{count}; het voorbeeld toont de laatste goede versie. Sla het bestand opnieuw op na het herstellen.",
        file=sys.stderr,
        flush=True,
    )
    return problems
