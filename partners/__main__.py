"""Command line for editors: `python -m partners check|new|serve`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from . import schema
from .records import load_records, problem_count
from .render import make_slug, render_record
from .validate import PLACEHOLDER_DESCRIPTION, InvalidValue


def cmd_check(args) -> int:
    """Validate every record and logo under CONTENT; print problems; exit 1 on any."""
    content = Path(args.content)
    records, problems = load_records(content)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{problem_count(len(problems))} in {content / 'partners'}.", file=sys.stderr)
        return 1
    print(f"Alle {len(records)} partnerrecords zijn in orde.")
    return 0


NEW_RECORD_NEXT_STEP = (
    "Vervang de voorbeeldtekst onder de kop door een beschrijving van de organisatie; "
    "tot dan keurt ‘make check’ het record af."
)


def cmd_new(args) -> int:
    """Scaffold a record for a new partner with the slug Pelican's slugify makes."""
    slug = make_slug(args.name)
    target = Path(args.content) / "partners" / f"{slug}.md"
    if target.exists():
        print(f"{target} bestaat al; kies een andere naam of pas het bestaande bestand aan.", file=sys.stderr)
        return 1
    fields = {"Title": args.name, "Slug": slug, "Type": args.type, "Since": args.since or dt.date.today().isoformat()}
    try:
        text = render_record(fields, PLACEHOLDER_DESCRIPTION)  # make check refuses it until it is replaced
    except InvalidValue as exc:
        print(f"Kan geen record maken: {exc}", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:
        handle.write(text)
    print(f"Aangemaakt: {target}")
    print(NEW_RECORD_NEXT_STEP)
    return 0


def cmd_serve(args) -> int:
    """Live-reloading preview: rebuild on every change; a bad record is reported, never fatal."""
    import logging
    import queue
    import threading

    import watchfiles
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("partners.plugin").setLevel(logging.CRITICAL)  # _rebuild prints the problems once
    Path(args.output).mkdir(parents=True, exist_ok=True)
    RootedHTTPServer.allow_reuse_address = True
    server = RootedHTTPServer(args.output, (args.host, args.port), ComplexHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Voorbeeld op http://{args.host}:{args.port}/ — stoppen met Ctrl-C.", flush=True)
    settings = _serve_settings(args)
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
    _rebuild(settings)
    try:
        while True:
            changes = pending.get()
            while not pending.empty():
                changes |= pending.get_nowait()
            names = ", ".join(sorted({Path(p).name for _, p in changes}))
            print(f"Gewijzigd: {names}; opnieuw bouwen…", flush=True)
            settings = _serve_settings(args)
            _rebuild(settings)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


def _serve_settings(args) -> dict:
    """Read the settings again for every build, so a changed pelicanconf.py takes effect."""
    from pelican.settings import read_settings

    return read_settings(
        args.settings,
        override={"PATH": str(Path(args.content).resolve()), "OUTPUT_PATH": str(Path(args.output).resolve())},
    )


def _rebuild(settings: dict) -> bool:
    """One build; on failure say what to fix and keep the last good output online."""
    import time

    from pelican import Pelican

    from .records import RecordError

    start = time.perf_counter()
    try:
        Pelican(settings).run()
    except RecordError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr, flush=True)
        print(
            f"{len(exc.problems)} fout(en); het voorbeeld toont de laatste goede versie. "
            "Sla het bestand opnieuw op na het herstellen.",
            file=sys.stderr,
            flush=True,
        )
        return False
    except Exception as exc:  # a broken template or page must not stop the preview either
        print(f"Bouwen mislukt: {exc}", file=sys.stderr, flush=True)
        return False
    print(f"Klaar in {time.perf_counter() - start:.1f} s.", flush=True)
    return True


def build_parser() -> argparse.ArgumentParser:
    """The command line: check, new and serve."""
    parser = argparse.ArgumentParser(prog="python -m partners", description="Partnerrecords beheren.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="controleer alle partnerrecords en logo's")
    check.add_argument("content", nargs="?", default="content")
    check.set_defaults(func=cmd_check)
    new = sub.add_parser("new", help="maak een nieuw partnerrecord aan")
    new.add_argument("name", help="naam van de organisatie")
    new.add_argument("--type", required=True, choices=list(schema.TYPES))
    new.add_argument("--since", help="datum waarop het partnerschap definitief werd (JJJJ-MM-DD)")
    new.add_argument("--content", default="content")
    new.set_defaults(func=cmd_new)
    serve = sub.add_parser("serve", help="voorbeeldweergave die bij elke wijziging opnieuw bouwt")
    serve.add_argument("--content", default="content")
    serve.add_argument("--settings", default="pelicanconf.py")
    serve.add_argument("--output", default="output")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1")
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
