"""The partner domain of the Alliantie site, and the Pelican plugin that builds the wall from it.

Domain (no Pelican, no Flask; the form handler imports these): schema (fields, labels, limits,
Record), criteria, validate (one rule per field), records (read and validate record files),
render (write a record back; slugs), markup (safe Markdown), logos (logo checks), dates,
assets (cache-busting URLs), export (open data rows, formula-safe CSV). `python -m partners`
is the editors' command line (__main__). The build: partners/plugin/, with the site's theme in
partners/theme/ (templates/, static/; package data, so an installed copy has it too).
"""

from pathlib import Path

#: The site's theme: Pelican's THEME (pelicanconf.py) and the form handler's THEME_DIR default.
THEME_DIR = Path(__file__).resolve().parent / "theme"
