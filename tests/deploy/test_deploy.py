"""The production deployment for real: the sample nginx config in front of gunicorn, over HTTP."""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest

from formhandler.web.drain import DRAIN_LIMIT, DrainBody
from tests.conftest import ROOT
from tests.deploy_fixtures import CSP, LONG_CACHE, fetch, production_env, render, wait_for

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "path, text",
    [
        ("/", "Alliantie Nederland Rookvrij!"),
        ("/partners/", "Longfonds"),
        ("/partners/longfonds/", "Longfonds"),
    ],
)
def test_static_pages_have_headers_and_no_cache(deployment, path, text):
    status, headers, body = fetch(deployment + path)
    assert status == 200
    assert text in body.decode()
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-cache"
    assert "nginx/" not in headers.get("Server", "")


def test_unknown_path_gets_the_dutch_404_page_with_headers(deployment):
    status, headers, body = fetch(deployment + "/nope")
    assert status == 404
    assert 'lang="nl"' in body.decode()
    assert "<h1>Pagina niet gevonden</h1>" in body.decode()
    assert headers["Content-Security-Policy"] == CSP


def test_404_page_is_the_sites_own(deployment, site):
    assert fetch(deployment + "/nope/nope/")[2] == (site / "404.html").read_bytes()


@pytest.mark.parametrize(
    "path, cache",
    [
        ("/logos/test-0123456789.svg", LONG_CACHE),
        ("/theme/css/site.css?v=x", LONG_CACHE),
        ("/theme/css/site.css", "no-cache"),
        ("/partners.json", "no-cache"),
    ],
)
def test_cache_policy(deployment, path, cache):
    status, headers, _ = fetch(deployment + path)
    assert status == 200
    assert cache in headers["Cache-Control"]
    assert headers["Content-Security-Policy"] == CSP
    if cache == LONG_CACHE:
        assert "immutable" in headers["Cache-Control"]


def test_precompressed_file_is_served(deployment):
    status, headers, body = fetch(deployment + "/robots.txt", headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == b"served from robots.txt.gz\n"
    assert fetch(deployment + "/robots.txt")[2] != b"served from robots.txt.gz\n"


def test_html_is_compressed_on_the_fly(deployment, site):
    status, headers, body = fetch(deployment + "/partners/", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (site / "partners" / "index.html").read_bytes()


def test_form_is_proxied_to_the_app(deployment):
    status, headers, body = fetch(deployment + "/aanmelden/", headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert 'name="organisation_name"' in body.decode()
    assert headers["Content-Security-Policy"] == CSP
    # Exactly once: nginx adds no second copy of the app's headers.
    assert len(headers.get_all("Content-Security-Policy")) == 1
    assert headers["Cache-Control"] == "no-store"
    assert "Content-Encoding" not in headers


@pytest.mark.parametrize("path, location", [("/aanmelden", "/aanmelden/"), ("/beheer", "/beheer/")])
def test_bare_app_paths_redirect(deployment, path, location):
    conn = urllib.request.build_opener(NoRedirect())
    try:
        conn.open(deployment + path, timeout=10)
        pytest.fail("no redirect")
    except urllib.error.HTTPError as error:
        assert error.code == 301
        assert error.headers["Location"] == location


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_admin_is_proxied_to_the_app(deployment):
    status, headers, body = fetch(deployment + "/beheer/inloggen")
    assert status == 200
    assert 'type="password"' in body.decode()
    assert headers["Cache-Control"] == "no-store"


def test_body_over_app_limit_gets_the_apps_dutch_413(deployment):
    body = b"organisation_name=" + b"x" * (2 * 1024 * 1024 + 300 * 1024)
    status, headers, page = fetch(
        deployment + "/aanmelden/", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30
    )
    assert status == 413
    assert "Te groot" in page.decode()
    assert headers["Content-Security-Policy"] == CSP


def test_oversized_bodies_always_get_an_answer_from_the_app(deployment):
    """Never nginx's 502 (the app answering before reading the body; see formhandler.wsgi.DrainBody)."""
    answers = set()
    for step in range(8):
        body = b"x=" + b"x" * (2 * 1024 * 1024 + step * 90 * 1024)
        status, headers, page = fetch(
            deployment + "/aanmelden/",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=30,
        )
        title = {413: "Te groot", 429: "Even geduld"}.get(status)
        assert title and f"<h1>{title}</h1>" in page.decode(), status
        assert headers["Cache-Control"] == "no-store"  # set by the app, not by nginx
        answers.add(status)
    assert 413 in answers


def test_body_over_nginx_limit_gets_a_dutch_413_from_nginx(deployment):
    status, headers, page = fetch(
        deployment + "/aanmelden/",
        data=b"x" * (3 * 1024 * 1024 + 1),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert status == 413
    assert "<h1>Te groot</h1>" in page.decode()
    assert headers["Content-Security-Policy"] == CSP


@pytest.mark.parametrize("log, path", [("nginx/access.log", "/partners/"), ("gunicorn.log", "/aanmelden/")])
def test_access_logs_have_no_query_strings(deployment, log, path):
    fetch(deployment + path + "?email=jan.jansen@example.org", headers={"Referer": "http://x/?naam=jansen"})
    access_log = deployment.tmp / log
    # Both servers write the access line after the response has gone out.
    wait_for(lambda: f"GET {path} HTTP/1.1" in access_log.read_text(), what=f"the access line in {log}")
    assert "jansen" not in access_log.read_text()


def test_app_down_gives_a_dutch_503(nginx_without_app):
    status, headers, body = fetch(nginx_without_app + "/aanmelden/")
    assert status == 503
    assert "Tijdelijk niet beschikbaar" in body.decode()
    assert headers["Content-Security-Policy"] == CSP


def test_a_post_flood_is_refused_by_nginx_before_the_app(nginx_without_app):
    """Past a burst of 10, nginx answers POSTs itself with a Dutch 429; GETs are never counted.

    The app behind this nginx is down, so every answer that did reach it is nginx's 503.
    """
    base = nginx_without_app
    posts = [
        fetch(base + "/aanmelden/", data=b"x=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
        for _ in range(30)
    ]
    get_status = fetch(base + "/aanmelden/")[0]
    statuses = [status for status, _headers, _body in posts]
    assert statuses[:11] == [503] * 11, "the burst reaches the app"
    assert statuses.count(429) >= 15, statuses
    _status, headers, body = next(post for post in posts if post[0] == 429)
    assert "<h1>Even geduld</h1>" in body.decode() and headers["Retry-After"] == "60"
    assert headers["Content-Security-Policy"] == CSP
    assert get_status == 503, "a GET is not limited by nginx"


@pytest.mark.parametrize(
    "template, values, error",
    [
        ("listen {{LISTEN}};", {}, KeyError),
        ("root {{ROOT}};", {"root": "/srv/x; include /etc/shadow"}, ValueError),
        ("server_name {{SERVER_NAME}};", {"server_name": "a\n}"}, ValueError),
    ],
)
def test_render_refuses_missing_or_unsafe_values(template, values, error):
    with pytest.raises(error):
        render(template, **values)


def test_render_command_line_fills_every_placeholder(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "deploy" / "render_nginx.py"),
            "--listen",
            "80",
            "--server-name",
            "example.org",
            "--root",
            str(tmp_path),
            "--upstream",
            "127.0.0.1:8001",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "{{" not in result.stdout
    assert f"root {tmp_path};" in result.stdout
    assert "server 127.0.0.1:8001;" in result.stdout


@pytest.mark.parametrize("length, drained", [(2_500_000, True), (0, False), (DRAIN_LIMIT + 1, False)])
def test_drain_body_reads_what_the_app_left(length, drained):
    stream = io.BytesIO(b"x" * length)
    environ = {"CONTENT_LENGTH": str(length), "wsgi.input": stream}

    def refusing_app(environ, start_response):
        start_response("413 Request Entity Too Large", [])
        return [b"te groot"]

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None, /
    ) -> Callable[[bytes], object]:
        return lambda data: None

    assert DrainBody(refusing_app)(environ, start_response) == [b"te groot"]
    assert stream.tell() == (length if drained else 0)


def test_the_workers_refuse_a_schema_older_than_the_code(tmp_path):
    """formhandler.wsgi (what gunicorn imports) refuses an older schema; `deployment` starts it after db upgrade."""
    env = production_env(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    refused = subprocess.run(
        [sys.executable, "-c", "import formhandler.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert refused.returncode == 1
    assert "De database heeft nog geen schema: voer 'flask --app formhandler db upgrade' uit." in refused.stderr
