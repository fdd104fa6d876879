"""A non-editable install works: the wheel carries the theme, the app's templates and its migrations.

The wheel is built from a copy of the sources (no build/ or egg-info in the checkout) without build
isolation and without an index, then installed with --no-deps into a fresh venv in a temporary
folder. That venv finds the dependencies through a .pth file naming a folder of links to this venv's
site-packages, minus this project's own editable install, so the only partners and formhandler it
can import are the installed ones. From a site folder that is not the checkout (its own content/,
output/ and a copy of pelicanconf.py) the app renders /aanmelden/ with the theme's base.html and
Pelican builds the site with the installed plugin and theme.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from partners.assets import AssetUrls
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SOURCES = ("pyproject.toml", "README.md", "partners", "formhandler")
# What the installed code reads at run time besides its modules.
PACKAGE_DATA = (
    "partners/theme/templates/base.html",
    "partners/theme/templates/partners.html",
    "partners/theme/static/css/site.css",
    "partners/theme/static/js/site.js",
    "partners/theme/static/img/favicon.svg",
    "formhandler/templates/apply/form.html",
    "formhandler/templates/admin/index.html",
    "formhandler/migrations/env.py",
    "formhandler/migrations/script.py.mako",
    "formhandler/migrations/versions/0001_initial_queue_schema.py",
)
RECORD = """Title: Stichting Installatietest
Slug: stichting-installatietest
Type: maatschappelijke-organisatie
Website: https://www.installatietest.example.nl
Logo: logos/stichting-installatietest.svg
Since: 2021-03-04
Summary: Een partner in een site buiten de checkout.

Beschrijving.
"""
LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" width="40" height="20">'
    b'<rect width="40" height="20" fill="#c00"/></svg>'
)
# Runs in the fresh venv, in the site folder: the app with its defaults for the folders and the theme.
APP_PROBE = """
import json, pathlib, formhandler, partners
from formhandler import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "test", "PASSWORD_HASH_PROFILE": "CHEAPEST"})
response = app.test_client().get("/aanmelden/")
print(json.dumps({
    "formhandler": formhandler.__file__,
    "partners": partners.__file__,
    "instance_path": app.instance_path,
    "dirs": {name: app.config[name] for name in ("CONTENT_DIR", "SITE_DIR", "THEME_DIR")},
    "status": response.status_code,
    "html": response.get_data(as_text=True),
}))
"""


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def dependency_links(folder: Path) -> Path:
    """A folder of links to everything in this venv's site-packages except this project's editable install."""
    folder.mkdir()
    for site in dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")]):
        for entry in Path(site).iterdir():
            own = entry.name.startswith(("__editable__", "alliantie_partners")) or entry.suffix == ".pth"
            if not own and not (folder / entry.name).exists():
                (folder / entry.name).symlink_to(entry)
    return folder


def clean_env() -> dict[str, str]:
    """The environment without anything that points at the checkout or configures the app."""
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("FORMHANDLER_")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The python of a fresh venv with the project's wheel installed (not editable); returns its prefix."""
    base = tmp_path_factory.mktemp("packaging")
    source = base / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(base / "dist"), str(source)], base)
    [wheel] = (base / "dist").glob("alliantie_partners-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        missing = sorted(set(PACKAGE_DATA) - set(archive.namelist()))
    assert not missing, f"the wheel lacks {missing}"

    prefix = base / "venv"
    venv.create(prefix, with_pip=False)
    python = prefix / "bin" / "python"
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], base).strip()
    (Path(purelib) / "dependencies.pth").write_text(f"{dependency_links(base / 'dependencies')}\n")
    run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)], base, clean_env())
    return prefix


@pytest.fixture
def site(tmp_path) -> Path:
    """A site folder of its own: the real pages, one partner with a logo, and the project's settings."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "content" / "pages", site / "content" / "pages")
    (site / "content" / "partners").mkdir()
    (site / "content" / "partners" / "stichting-installatietest.md").write_text(RECORD, encoding="utf-8")
    (site / "content" / "logos").mkdir()
    (site / "content" / "logos" / "stichting-installatietest.svg").write_bytes(LOGO)
    (site / "output").mkdir()
    shutil.copy2(ROOT / "pelicanconf.py", site)
    return site


def test_the_installed_app_renders_the_form_with_the_themes_base(installed, site):
    python = str(installed / "bin" / "python")
    probe = json.loads(run([python, "-c", APP_PROBE], site, clean_env()))
    for module in ("formhandler", "partners"):
        assert Path(probe[module]).is_relative_to(installed), f"{module} comes from {probe[module]}"
    assert Path(probe["instance_path"]) == installed / "var" / "formhandler-instance"  # Flask's default
    assert probe["dirs"]["CONTENT_DIR"] == str(site / "content")
    assert probe["dirs"]["SITE_DIR"] == str(site / "output")
    assert Path(probe["dirs"]["THEME_DIR"]).is_relative_to(installed)
    html = probe["html"]
    assert probe["status"] == 200, html[-2000:]
    assert '<a class="skip-link" href="#inhoud">Naar de inhoud</a>' in html  # base.html
    assert AssetUrls(ROOT / "partners" / "theme" / "static")("css/site.css") in html  # the shipped stylesheet
    assert 'name="organisation_name"' in html  # the app's own form template


def test_the_installed_flask_command_lists_the_routes(installed, site):
    env = {**clean_env(), "FORMHANDLER_SECRET_KEY": "test", "FORMHANDLER_DATABASE_URL": f"sqlite:///{site}/q.sqlite3"}
    python = str(installed / "bin" / "python")
    run([python, "-m", "flask", "--app", "formhandler", "db", "upgrade"], site, env)
    routes = run([python, "-m", "flask", "--app", "formhandler", "routes"], site, env)
    assert "/aanmelden/" in routes and "/beheer/" in routes


def test_pelican_builds_with_the_installed_plugin_and_theme(installed, site):
    python = str(installed / "bin" / "python")
    run([python, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"], site, clean_env())
    wall = (site / "output" / "partners" / "index.html").read_text(encoding="utf-8")
    assert "Stichting Installatietest" in wall and '<a class="skip-link" href="#inhoud">' in wall
    page = site / "output" / "partners" / "stichting-installatietest" / "index.html"
    assert "Een partner in een site buiten de checkout." in page.read_text(encoding="utf-8")
    assert (site / "output" / "theme" / "css" / "site.css").is_file()
    assert (site / "output" / "partners.json").is_file()
    assert (site / ".cache").is_dir()  # pelicanconf.py's CACHE_PATH: beside the settings, in the site
