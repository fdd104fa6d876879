"""Security headers on every kind of response: every route of the URL map, error pages, the logo
preview, the built site served by the app, and the same set in the nginx snippet."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.exc import OperationalError

from formhandler import queue
from formhandler.devserver import add_site_routes
from formhandler.web.headers import CSP, HEADERS, HSTS
from tests.conftest import ROOT
from tests.formhandler.helpers import add_item, concrete, post

LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def assert_security_headers(response, where: str, csp: str = CSP) -> None:
    """Every header of formhandler.headers plus HSTS (the test app is not in development)."""
    for name, value in {**HEADERS, "Content-Security-Policy": csp, HSTS[0]: HSTS[1]}.items():
        assert response.headers.get(name) == value, (where, name, response.headers.get(name))


def test_the_policy_is_strict():
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'" and directives["script-src"] == "'self'"
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP


def test_every_route_in_the_url_map(app, admin_client, session):
    item_id = add_item(session, "getekend", logo="png").id
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    assert len(rules) >= 10
    for rule in rules:
        url = concrete(rule).replace("/1/", f"/{item_id}/").replace("/1", f"/{item_id}")
        method = "GET" if "GET" in rule.methods else "POST"
        for client in (admin_client, app.test_client()):  # logged in and anonymous
            response = client.open(url, method=method)  # a POST without CSRF token: the 400 page
            csp = (
                LOGO_CSP
                if rule.endpoint in ("admin.logo", "admin.publication_download", "steps.agreement_preview")
                and client is admin_client
                else CSP
            )
            assert_security_headers(response, f"{method} {url} -> {response.status_code}", csp)
            assert response.headers["Cache-Control"] == "no-store" or rule.endpoint.startswith("site")


@pytest.mark.parametrize("kind", ["form", "thanks", "form-with-errors", "404", "405", "413", "429", "503"])
def test_every_kind_of_page(make_app, monkeypatch, kind):
    app = make_app(RATELIMIT_ENABLED=kind == "429", FORM_RATE_LIMIT="1 per minute")
    client = app.test_client()
    if kind == "503":
        monkeypatch.setattr(
            queue,
            "insert_submission",
            lambda *a, **k: (_ for _ in ()).throw(OperationalError("INSERT", {}, Exception("disk I/O error"))),
        )
    response = {
        "form": lambda: client.get("/aanmelden/"),
        "thanks": lambda: client.get(post(client).headers["Location"]),
        "form-with-errors": lambda: post(client, email="geen-adres"),
        "404": lambda: client.get("/aanmelden/bestaat-niet"),
        "405": lambda: client.put("/aanmelden/"),
        "413": lambda: post(client, motivation="x" * (app.config["MAX_FORM_MEMORY_SIZE"] + 1)),
        "429": lambda: [post(client, email="x") for _ in range(2)][-1],
        "503": lambda: post(client),
    }[kind]()
    expected = {
        "form": 200,
        "thanks": 200,
        "form-with-errors": 200,
        "404": 404,
        "405": 405,
        "413": 413,
        "429": 429,
        "503": 503,
    }[kind]
    assert response.status_code == expected
    assert_security_headers(response, kind)


def test_logo_preview_is_sandboxed(admin_client, session):
    item_id = add_item(session, logo="png").id
    response = admin_client.get(f"/beheer/{item_id}/logo")
    assert response.status_code == 200
    assert_security_headers(response, "logo", csp=LOGO_CSP)


def test_built_site_served_by_the_app(make_app, tmp_path):
    site = tmp_path / "built"
    (site / "partners").mkdir(parents=True)
    (site / "index.html").write_text("<h1>Home</h1>")
    (site / "partners" / "index.html").write_text("<h1>Partners</h1>")
    (site / "site.css").write_text("body{}")
    (site / "404.html").write_text("<h1>Niet gevonden</h1>")
    app = make_app(SITE_DIR=str(site))
    add_site_routes(app)
    client = app.test_client()
    for url, status in [("/", 200), ("/partners/", 200), ("/site.css", 200), ("/bestaat-niet/", 404)]:
        response = client.get(url)
        assert response.status_code == status, url
        assert_security_headers(response, url)


def test_nginx_snippet_sets_the_same_headers():
    text = (ROOT / "deploy" / "nginx-security-headers.conf").read_text()
    found = dict(re.findall(r'^add_header (\S+) "([^"]*)" always;', text, re.MULTILINE))
    assert found == {**HEADERS, HSTS[0]: HSTS[1]}
