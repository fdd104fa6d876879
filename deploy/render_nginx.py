"""Fill in deploy/nginx.conf.template: `python deploy/render_nginx.py --listen 80 --server-name … > site.conf`."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "nginx.conf.template"
HEADERS = HERE / "nginx-security-headers.conf"
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


def render(template_text: str, **values: str) -> str:
    """Replace every {{KEY}} with values[key.lower()]; a missing value is an error, never a blank."""
    missing = sorted({key for key in _PLACEHOLDER.findall(template_text) if key.lower() not in values})
    if missing:
        raise KeyError("no value for " + ", ".join(missing))
    for key, value in values.items():
        # A value with a newline, ; or { } could inject nginx directives.
        if re.search(r"[\n;{}]", str(value)):
            raise ValueError(f"{key}: forbidden character in {value!r}")
    return _PLACEHOLDER.sub(lambda match: str(values[match.group(1).lower()]), template_text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", default="80", help="port or address:port (default 80)")
    parser.add_argument("--server-name", required=True, help="host name(s), e.g. example.org www.example.org")
    parser.add_argument("--root", required=True, help="the Pelican output folder")
    parser.add_argument("--upstream", default="127.0.0.1:8001", help="gunicorn address (default 127.0.0.1:8001)")
    parser.add_argument("--headers", default=str(HEADERS), help="path of nginx-security-headers.conf")
    parser.add_argument("--access-log", default="/var/log/nginx/alliantie.access.log")
    parser.add_argument("--template", default=str(TEMPLATE))
    args = parser.parse_args(argv)
    text = render(
        Path(args.template).read_text(encoding="utf-8"),
        listen=args.listen,
        server_name=args.server_name,
        root=str(Path(args.root).resolve()),
        upstream=args.upstream,
        headers=str(Path(args.headers).resolve()),
        access_log=args.access_log,
    )
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
