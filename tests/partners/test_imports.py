"""What the partners modules import: the form handler's share loads no Pelican, and nothing loads Flask."""

import subprocess
import sys

from tests.conftest import ROOT

# The modules the Flask app imports; they must work without Pelican.
WITHOUT_PELICAN = [
    "partners.schema",
    "partners.criteria",
    "partners.validate",
    "partners.records",
    "partners.render",
    "partners.logos",
    "partners.markup",
    "partners.dates",
    "partners.assets",
    "partners.export",
]
PROBE = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(sorted({m.split(".")[0] for m in sys.modules} & {"pelican", "flask", "formhandler", "werkzeug"}))
"""


def loaded_by(*modules: str) -> str:
    """The forbidden top-level packages a fresh interpreter has loaded after importing `modules`."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *modules], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return result.stdout.strip()


def test_the_form_handlers_modules_import_no_pelican():
    assert loaded_by(*WITHOUT_PELICAN) == "[]"


def test_the_plugin_loads_pelican_but_never_flask_or_the_form_handler():
    assert loaded_by("partners.plugin", "partners.__main__") == "['pelican']"
