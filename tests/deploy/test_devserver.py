"""`make run`'s server: the built site and the app from one process, on loopback."""

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from formhandler.devserver import add_site_routes
from tests.deploy_fixtures import wait_for
from tests.pg import free_port


@pytest.fixture
def site_client(app, site):
    """A test client of the app serving the built site beside itself, as `make run` does."""
    app.config["SITE_DIR"] = str(site)
    add_site_routes(app)
    return app.test_client()


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/", 200, "organisaties werken samen"),
        ("/partners/", 200, "Onze partners"),
        ("/partners/longfonds/", 200, "Longfonds"),
        ("/partners.json", 200, "kwf-kankerbestrijding"),
        ("/bestaat-niet/", 404, "Pagina niet gevonden"),
        ("/../pyproject.toml", 404, ""),
        ("/%2e%2e/pyproject.toml", 404, ""),
    ],
)
def test_site_is_served_beside_the_app(site_client, path, status, text):
    response = site_client.get(path)
    assert response.status_code == status
    assert text in response.get_data(as_text=True)
    assert "alliantie-partners" not in response.get_data(as_text=True)


def test_directory_without_slash_redirects(site_client):
    response = site_client.get("/partners")
    assert response.status_code in (301, 308) and response.headers["Location"].endswith("/partners/")


def test_real_dev_server_serves_site_and_form(tmp_path, site):
    """Start `python -m formhandler.devserver` as make run does and fetch pages over HTTP."""
    port = free_port()
    env = {
        **os.environ,
        "FORMHANDLER_DEVELOPMENT": "true",
        "FORMHANDLER_SITE_DIR": str(site),
        "FORMHANDLER_DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}",
    }
    env.pop("FORMHANDLER_SECRET_KEY", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "formhandler.devserver", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    pages = {}

    def home_answers() -> bool:
        assert process.poll() is None, process.stdout.read()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                pages["home"] = response.read().decode()
        except (urllib.error.URLError, ConnectionError):
            return False
        return True

    try:
        wait_for(home_answers, timeout=30, what="the dev server answering")
        assert "organisaties werken samen" in pages["home"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/aanmelden/", timeout=5) as response:
            assert response.status == 200 and 'name="organisation_name"' in response.read().decode()
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert "make reviewer NAME=" in output
