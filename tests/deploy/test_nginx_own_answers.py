"""What nginx answers itself (the bare-path redirects, the dot-file refusal) carries the site's security headers."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest

from tests.conftest import ROOT
from tests.hostile_corpus import HOSTILE

pytestmark = pytest.mark.slow

CASES = json.loads((HOSTILE / "bare-responses" / "cases.json").read_text(encoding="utf-8"))["requests"]
SNIPPET = (ROOT / "deploy" / "nginx-security-headers.conf").read_text(encoding="utf-8")
#: name -> value of every header the snippet sets
EXPECTED = dict(re.findall(r'^add_header ([\w-]+) "(.*)" always;$', SNIPPET, re.MULTILINE))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def answer(url: str):
    """(status, headers) of a GET that follows no redirect."""
    try:
        with urllib.request.build_opener(NoRedirect()).open(url, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_the_snippet_has_the_headers_we_check():
    assert {"Content-Security-Policy", "X-Frame-Options", "Strict-Transport-Security"} <= set(EXPECTED)


@pytest.mark.parametrize("case", CASES, ids=[case["path"] for case in CASES])
def test_nginx_own_answers_carry_the_security_headers(nginx_without_app, case):
    status, headers = answer(nginx_without_app + case["path"])
    assert status == case["status"]
    for name, value in EXPECTED.items():
        assert headers.get_all(name) == [value], (case["path"], name)
    assert "Set-Cookie" not in headers
