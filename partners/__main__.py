"""Command line for editors: `python -m partners check|new|serve`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from . import schema
from .records import load_records
from .render import make_slug, render_record
from .validate import InvalidValue


def cmd_check(args) -> int:
    """Validate every record and logo under CONTENT; print problems; exit 1 on any."""
    content = Path(args.content)
    records, problems = load_records(content)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        found = "1 fout" if len(problems) == 1 else f"{len(problems)} fouten"
        print(f"{found} gevonden in {content / 'partners'}.", file=sys.stderr)
        return 1
    print(f"Alle {len(records)} partnerrecords zijn in orde.")
    return 0


def cmd_new(args) -> int:
    """Scaffold a record for a new partner with the slug Pelican's slugify makes."""
    slug = make_slug(args.name)
    target = Path(args.content) / "partners" / f"{slug}.md"
    if target.exists():
        print(f"{target} bestaat al; kies een andere naam of pas het bestaande bestand aan.", file=sys.stderr)
        return 1
    fields = {"Title": args.name, "Slug": slug, "Type": args.type, "Since": args.since or dt.date.today().isoformat()}
    try:
        text = render_record(fields, "Beschrijf hier in een paar zinnen de organisatie en haar bijdrage.")
    except InvalidValue as exc:
        print(f"Kan geen record maken: {exc}", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:
        handle.write(text)
    print(f"Aangemaakt: {target}")
    return 0


def cmd_serve(args) -> int:
    """Preview that rebuilds on every save and reloads the browser (partners/serve.py)."""
    from .serve import serve

    return serve(args)


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
    serve = sub.add_parser("serve", help="voorbeeld dat bij elke wijziging opnieuw bouwt en de browser ververst")
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
