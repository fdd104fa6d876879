"""Every page a visitor or reviewer can reach, and every mail, reads as Dutch prose: no "(s)", no straight
double quotes, no English words, no glued fragments."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from formhandler.mail import messages, texts
from formhandler.web.errors import MESSAGES, error_page
from tests.formhandler.helpers import (
    CHANGE_FORM,
    FORM,
    add_change,
    add_item,
    db_session,
    form_tokens,
)

pytestmark = pytest.mark.usefixtures("partners_on_disk")

#: what Dutch prose never holds, with why.
PROBLEMS = {
    r"\((?:s|en|n|e)\)": "a plural in brackets: write the real plural",
    r"\(\s*\)": "empty brackets: a value is missing",
    r"\(niet verplicht\)\s*\(niet verplicht\)": "said twice",
    r"nummer #": "a number sign after ‘nummer’",
    r'"': "a straight double quote: use “ ” or ‘ ’",
    r"(?i:\bu hebt\b|\bhebt u\b|\bu .{0,40} hebt\b)": "‘u heeft’ is the voice here",
    r"\b(?:the|please|error|submit|click|required|invalid|none|true|false|warning|field|loading)\b": "English",
    r"[a-z]\.[A-Z]": "two sentences glued together",
    r"\b(?!de\b)[a-z]+ Alliantie Nederland Rookvrij": "mid-sentence: ‘de Alliantie (Nederland Rookvrij!)’",
}
SKIPPED = {"script", "style", "pre", "code", "textarea", "kbd", "samp"}
SPOKEN = ("alt", "title", "aria-label", "placeholder")
# Where one piece of text ends: a label runs on into its hint, a heading does not run into the next link.
BREAKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "td", "th", "tr", "dt", "dd", "section", "nav"}
BREAKS |= {"header", "footer", "form", "fieldset", "legend", "option", "a", "button", "br", "caption", "article"}
BREAKS |= {"main", "summary", "details", "input", "select"}


class Prose(HTMLParser):
    """The text a person reads on a page, and the attributes they hear; not code, scripts or record files."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        if tag in BREAKS:
            self.parts.append("¶")
        self.parts.extend(f"{value} ¶" for name, value in attrs if name in SPOKEN and value)

    def handle_endtag(self, tag):
        if tag in SKIPPED and self.skipping:
            self.skipping -= 1
        if tag in BREAKS:
            self.parts.append("¶")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def prose(html: str) -> list[str]:
    """The page's prose in pieces that read on (a label and its hint), split where a block ends."""
    parser = Prose()
    parser.feed(html)
    pieces = " ".join(parser.parts).split("¶")
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]


def problems_in(pieces: list[str]) -> list[str]:
    """What is wrong, each with the words around it."""
    found = []
    for piece in pieces:
        for pattern, why in PROBLEMS.items():
            for match in re.finditer(pattern, piece, flags=re.IGNORECASE if why == "English" else 0):
                found.append(f"{why}: {piece[max(0, match.start() - 50) : match.end() + 50]!r}")
    return found


def crawl(client, starts: list[str], limit: int = 250) -> dict[str, str]:
    """Every HTML page reachable by GET from `starts` within the app (admin and forms); url -> html."""
    seen: dict[str, str] = {}
    todo = list(starts)
    while todo and len(seen) < limit:
        url = todo.pop()
        if url in seen:
            continue
        response = client.get(url)
        if not response.content_type.startswith("text/html"):
            seen[url] = ""
            continue
        html = response.get_data(as_text=True)
        seen[url] = html
        for link in re.findall(r'href="(/(?:beheer|aanmelden)[^"#]*)"', html):
            todo.append(link.replace("&amp;", "&"))
    return {url: html for url, html in seen.items() if html}


@pytest.fixture
def full_queue(app, content_dir):
    """Applications in several states and a change request of each kind."""
    with db_session(app) as session:
        for state in ("nieuw", "in_behandeling", "stukken_verstuurd", "getekend", "afgewezen", "spam"):
            name, logo = f"Stichting {state.replace('_', ' ').title()}", "png" if state == "getekend" else None
            add_item(session, state=state, logo=logo, organisation_name=name, email=f"{state}@example.org")
        for kind in ("naam", "website", "samenvatting", "einde"):
            add_change(session, content_dir, kind)
    return app


def test_every_admin_and_form_page_reads_as_dutch(full_queue, admin_client, client):
    pages = crawl(admin_client, ["/beheer/", "/beheer/partners/"])
    assert len(pages) > 30, sorted(pages)  # the crawl reached the detail, step and partner pages
    pages.update(crawl(client, [FORM, CHANGE_FORM, "/aanmelden/status/", "/beheer/inloggen"]))
    empty = {**form_tokens(client), "organisation_name": "", "email": "geen"}
    pages["POST " + FORM] = client.post(FORM, data=empty, content_type="multipart/form-data").get_data(as_text=True)
    with full_queue.test_request_context():
        for code in MESSAGES:
            pages[f"fout {code}"] = error_page(code, back=FORM if code == 429 else None)[0]
    found = [f"{url}: {problem}" for url, html in sorted(pages.items()) for problem in problems_in(prose(html))]
    assert found == [], "\n".join(sorted(set(found)))


def test_every_mail_reads_as_dutch(full_queue, app):
    bodies = []
    with app.test_request_context(), db_session(app) as session:
        from formhandler import queue

        for item in queue.search(session):
            bodies += [f"{mail.subject}\n{mail.body}" for mail in texts.build_mails(item)]
            for (kind, target), _builder in messages.DEFAULTS.items():
                if kind == item.kind:
                    draft = messages.default_message(item, target, "stichting-oude-naam")
                    bodies.append(f"{draft.subject}\n{draft.body}")
    assert len(bodies) > 20
    found = [problem for body in bodies for problem in problems_in(body.splitlines())]
    assert found == [], "\n".join(sorted(set(found)))


@pytest.mark.parametrize(
    "text, wrong",
    [
        ("1 item(s).", True),
        ("1 fout(en) gevonden", True),
        ("Toelichting (niet verplicht) (niet verplicht)", True),
        ("Het heeft nummer #2.", True),
        ('Klik op "Opslaan".', True),
        ("Please try again", True),
        ("Klik op ‘Opslaan’.", False),
        ("U heeft 2 fouten gemaakt.", False),
        ("U hebt geen toegang tot deze pagina.", True),
        ("Alleen verplicht als u hierboven ‘Ja’ hebt gekozen.", True),
    ],
)
def test_the_checker_finds_what_it_looks_for(text, wrong):
    assert bool(problems_in([text])) is wrong
