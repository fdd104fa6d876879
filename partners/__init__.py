"""The partner domain of the Alliantie site, and the Pelican plugin that builds the wall from it.

Domain (no Pelican, no Flask; the form handler imports these): schema (fields, labels, limits,
Record), criteria, validate (one rule per field), records (read and validate record files),
render (write a record back; slugs), markup (safe Markdown), logos (logo checks), dates,
assets (cache-busting URLs), export (open data rows, formula-safe CSV). `python -m partners`
is the editors' command line (__main__). The build: partners/plugin/.
"""
