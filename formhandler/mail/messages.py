"""The applicant's message at each step of the procedure: Dutch default texts, and putting one in the outbox."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from partners.dates import nl_date

from ..kinds import APPLICATION, BY_FIELD, CHANGE
from ..models import OutboxAttachment, OutboxMessage, Submission
from ..publishing import live
from ..queue import add_note
from ..tokens import mint, status_url
from .texts import one_line

SUBJECT_MAX = 200
BODY_MAX = 20_000
SIGN_OFF = "Met vriendelijke groet,\nHet Alliantiebureau van de Alliantie Nederland Rookvrij!\n"


@dataclasses.dataclass(frozen=True)
class Draft:
    """A message as the reviewer sees and edits it before it goes out."""

    subject: str
    body: str


@dataclasses.dataclass(frozen=True)
class Attachment:
    """A file that goes with a message."""

    filename: str
    mimetype: str
    data: bytes


def public_url() -> str:
    """PUBLIC_URL without a trailing slash: the start of every link in a mail."""
    return str(current_app.config["PUBLIC_URL"]).rstrip("/")


def partner_page(slug: str) -> str:
    """The absolute address of a partner's page on the live site."""
    return live.partner_page(public_url(), slug)


def _questions(item: Submission) -> str:
    return f"Heeft u een vraag? Mail dan naar {current_app.config['NOTIFY_TO']} en noem nummer {item.id}."


def _in_progress(item: Submission, name: str, slug: str) -> Draft:
    return Draft(
        f"Uw aanmelding is in behandeling (nummer {item.id})",
        f"""Goedendag,

Wij hebben de aanmelding van {name} als partner van de Alliantie Nederland Rookvrij! in behandeling genomen.

In een gesprek bespreken wij met u de criteria voor het partnerschap en de bijdrage die {name} wil leveren.
Hebben wij elkaar nog niet gesproken? Dan nemen wij binnenkort contact met u op.
Voldoet uw organisatie aan de criteria, dan sturen wij u daarna de stukken om aan te sluiten.

{_questions(item)}

{SIGN_OFF}""",
    )


def _documents_sent(item: Submission, name: str, slug: str) -> Draft:
    company = (
        "\nUw organisatie is een bedrijf. Bedrijven hebben in de Alliantie een ‘status aparte’: u denkt mee in de "
        "Alliantieraad, maar stemt niet over beleid en strategie. Ook dat staat in de overeenkomst.\n"
        if item.organisation_type == "bedrijf"
        else ""
    )
    return Draft(
        f"De partnerovereenkomst voor {name}",
        f"""Goedendag,

Goed nieuws: {name} voldoet aan de criteria voor het partnerschap van de Alliantie Nederland Rookvrij!
Bij deze e-mail vindt u de partnerovereenkomst, opgesteld voor uw organisatie. Daarin staan de
wederzijdse rechten en plichten, de bijdrage die u wilt leveren en de criteria die u heeft geaccepteerd.
{company}
Wat vragen wij van u?
1. Lees de overeenkomst goed door. Klopt er iets niet? Laat het ons weten voordat u tekent.
2. Laat de overeenkomst tekenen door iemand die uw organisatie mag vertegenwoordigen.
3. Stuur de getekende overeenkomst terug via uw persoonlijke statuspagina: als PDF, of als scan of foto
   (PNG of JPEG). De link naar die pagina staat onderaan deze e-mail.

Zodra wij de getekende overeenkomst hebben, is het partnerschap definitief.

{_questions(item)}

{SIGN_OFF}""",
    )


def _signed(item: Submission, name: str, slug: str) -> Draft:
    return Draft(
        "Wij hebben de getekende partnerovereenkomst ontvangen",
        f"""Goedendag,

Hartelijk dank: wij hebben de getekende partnerovereenkomst van {name} ontvangen.
Daarmee is het partnerschap definitief. Welkom bij de Alliantie Nederland Rookvrij!

Binnenkort zetten wij {name} op de partnerpagina van onze website. U krijgt dan nog een bericht
met de link en met alles wat u als partner van ons kunt verwachten.

{_questions(item)}

{SIGN_OFF}""",
    )


def _welcome(item: Submission, name: str, slug: str) -> Draft:
    vote = (
        "\n  Als bedrijf heeft u daar een ‘status aparte’: u praat mee, maar stemt niet over beleid en strategie."
        if item.organisation_type == "bedrijf"
        else ""
    )
    return Draft(
        "Welkom als partner van de Alliantie Nederland Rookvrij!",
        f"""Goedendag,

Welkom! {name} is partner van de Alliantie Nederland Rookvrij! en staat nu op onze website:
{partner_page(slug)}

Wat krijgt u als partner?
- Twee keer per jaar de Alliantieraad, waar u meepraat over de strategie en actuele thema’s.{vote}
- Onze digitale nieuwsbrief, met kennis en nieuws over actuele onderwerpen en activiteiten.
- Uitnodigingen voor themabijeenkomsten, actiemomenten en andere evenementen.
- Uw naam en logo op onze website, en mede-afzenderschap van communicatie en lobby.
- Vrij gebruik van de huisstijlelementen van de Alliantie, zoals labels, woordmerken, foto’s en
  filmbeelden, volgens de richtlijnen van het communicatiehandboek.
- Het partnerschap van de beweging ‘Op weg naar een rookvrije generatie’: u mag haar logo’s en
  kernboodschappen in uw eigen communicatie gebruiken.

Uw partnerbadge: op uw partnerpagina staat onder ‘Partnerbadge voor uw website’ een kleine afbeelding met de tekst
‘Partner van de Alliantie Nederland Rookvrij!’. De code om die op uw eigen website te zetten staat
ernaast klaar. De badge linkt naar uw partnerpagina, zodat iedereen ziet dat u meedoet.

Wij stellen {name} voor tijdens de volgende Alliantieraad en in onze nieuwsbrief.

Wilt u later iets op uw partnerpagina veranderen, zoals het logo of de korte omschrijving?
Dat kan op {public_url()}/aanmelden/wijziging/.

{_questions(item)}

{SIGN_OFF}""",
    )


def _rejected(item: Submission, name: str, slug: str) -> Draft:
    return Draft(
        f"Uw aanmelding bij de Alliantie Nederland Rookvrij! (nummer {item.id})",
        f"""Goedendag,

Hartelijk dank voor uw belangstelling voor het partnerschap van de Alliantie Nederland Rookvrij!
Wij hebben de aanmelding van {name} zorgvuldig bekeken. Helaas kan uw organisatie op dit moment
geen partner worden, omdat zij niet aan alle criteria voor het partnerschap voldoet.

Wilt u weten waarom, of denkt u dat wij iets over het hoofd hebben gezien? Neem dan contact met
ons op via {current_app.config["NOTIFY_TO"]} en noem nummer {item.id}.

Wij bewaren de gegevens van uw aanmelding nog {current_app.config["RETENTION_DAYS"]} dagen en verwijderen ze daarna.

{SIGN_OFF}""",
    )


def _withdrawn(item: Submission, name: str, slug: str) -> Draft:
    return Draft(
        f"Uw aanmelding is ingetrokken (nummer {item.id})",
        f"""Goedendag,

De aanmelding van {name} als partner van de Alliantie Nederland Rookvrij! is ingetrokken.
Wij behandelen haar niet verder.

Wij bewaren de gegevens van uw aanmelding nog {current_app.config["RETENTION_DAYS"]} dagen en verwijderen ze daarna.
Wilt u later toch partner worden? Dan bent u van harte welkom: meld u opnieuw aan op
{public_url()}/aanmelden/.

{_questions(item)}

{SIGN_OFF}""",
    )


def _asked(item: Submission) -> str:
    """What a change request asks for, in words: 'de naam en het logo'."""
    words = {
        "Title": "de naam",
        "Website": "de website",
        "Logo": "het logo",
        "Summary": "de korte omschrijving",
        "Until": "het einde van het partnerschap",
    }
    parts = [words[field] for field in (item.requested or {}) if field in BY_FIELD and field in words]
    if not parts:
        return "uw wijziging"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]


def _change_approved(item: Submission, name: str, slug: str) -> Draft:
    return Draft(
        f"Uw wijziging voor {name} is goedgekeurd",
        f"""Goedendag,

Wij hebben uw verzoek (nummer {item.id}) goedgekeurd: {_asked(item)} van {name}.
Wij verwerken de wijziging binnenkort op onze website. U krijgt een bericht zodra dat gebeurd is.

{_questions(item)}

{SIGN_OFF}""",
    )


def _change_published(item: Submission, name: str, slug: str) -> Draft:
    if item.end_date is not None:
        return Draft(
            f"Het einde van het partnerschap van {name} is verwerkt",
            f"""Goedendag,

Wij hebben uw verzoek (nummer {item.id}) verwerkt: het partnerschap van {name} eindigt op
{nl_date(item.end_date)}. Vanaf die dag staat uw organisatie niet meer op de partnermuur; de
partnerpagina meldt dan dat het partnerschap is beëindigd:
{partner_page(slug)}

Hartelijk dank voor uw inzet voor een rookvrije generatie.

{_questions(item)}

{SIGN_OFF}""",
        )
    return Draft(
        f"Uw wijziging voor {name} staat op de website",
        f"""Goedendag,

Wij hebben uw verzoek (nummer {item.id}) verwerkt: {_asked(item)} van {name} is aangepast.
U ziet het resultaat op uw partnerpagina:
{partner_page(slug)}

{_questions(item)}

{SIGN_OFF}""",
    )


def _change_rejected(item: Submission, name: str, slug: str) -> Draft:
    return Draft(
        f"Uw wijzigingsverzoek voor {name} (nummer {item.id})",
        f"""Goedendag,

Wij hebben uw verzoek (nummer {item.id}) om {_asked(item)} van {name} te wijzigen bekeken,
maar voeren het niet uit.

Wilt u weten waarom, of wilt u iets anders aanpassen? Neem dan contact met ons op via
{current_app.config["NOTIFY_TO"]} en noem nummer {item.id}.

{SIGN_OFF}""",
    )


#: (kind, state reached) -> the default message to the applicant. Other steps send nothing.
Builder = Callable[[Submission, str, str], Draft]
DEFAULTS: dict[tuple[str, str], Builder] = {
    (APPLICATION, "in_behandeling"): _in_progress,
    (APPLICATION, "stukken_verstuurd"): _documents_sent,
    (APPLICATION, "getekend"): _signed,
    (APPLICATION, "gepubliceerd"): _welcome,
    (APPLICATION, "afgewezen"): _rejected,
    (APPLICATION, "ingetrokken"): _withdrawn,
    (CHANGE, "goedgekeurd"): _change_approved,
    (CHANGE, "gepubliceerd"): _change_published,
    (CHANGE, "afgewezen"): _change_rejected,
}


def default_message(item: Submission, target: str, slug: str = "") -> Draft | None:
    """The Dutch default message for moving `item` to `target`, or None when this step sends none."""
    builder = DEFAULTS.get((item.kind, target))
    if builder is None:
        return None
    draft = builder(item, one_line(item.organisation_name), slug or item.published_slug or item.target_slug)
    return Draft(draft.subject, flow(draft.body))


_OWN_LINE = re.compile(r"^(- |\d+\. |https?://|Met vriendelijke groet|Het Alliantiebureau)")


def flow(text: str) -> str:
    """Each paragraph and list item on one line: mail programs and the editor wrap it to their width."""
    # The texts above are wrapped for reading the source; a name of any length would break such
    # hard lines at odd places in the mail and in the reviewer's editor.
    lines: list[str] = []
    for line in text.split("\n"):
        joinable = lines and lines[-1] and line.strip() and not lines[-1].endswith((":", "?", ","))
        if joinable and not _OWN_LINE.match(line.strip()):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line.strip() if line.startswith("  ") else line)
    return "\n".join(lines)


def check_draft(subject: str, body: str) -> tuple[Draft | None, str]:
    """(draft, '') for an acceptable edited message, else (None, the Dutch reason)."""
    subject, body = one_line(subject), body.replace("\r\n", "\n").strip()
    if not subject:
        return None, "Het onderwerp van het bericht is leeg. Vul een onderwerp in, of verstuur geen bericht."
    if len(subject) > SUBJECT_MAX:
        return None, f"Het onderwerp is te lang: hoogstens {SUBJECT_MAX} tekens."
    if not body:
        return None, "Het bericht is leeg. Schrijf een tekst, of verstuur geen bericht."
    if len(body) > BODY_MAX:
        return None, f"Het bericht is te lang: hoogstens {BODY_MAX} tekens."
    return Draft(subject, body + "\n"), ""


def enqueue(
    session: Session, item: Submission, draft: Draft, actor: str, attachments: Sequence[Attachment] = ()
) -> OutboxMessage:
    """Put a message to the applicant in the outbox, with the status link and attachments; noted in the history."""
    message = OutboxMessage(
        to_addr=item.email,
        subject=draft.subject,
        body=draft.body,
        submission_id=item.id,
        status_link=True,
        attachments=[OutboxAttachment(filename=a.filename, mimetype=a.mimetype, data=a.data) for a in attachments],
    )
    session.add(message)
    files = "".join(f"\nBijlage: {a.filename}" for a in attachments)
    add_note(item, actor, f"Bericht aan de aanvrager: ‘{draft.subject}’{files}")
    return message


def notify_bureau(session: Session, item: Submission, subject: str, body: str) -> None:
    """A notice to the bureau about an item: nothing personal, a link into the admin."""
    session.add(
        OutboxMessage(
            to_addr=current_app.config["NOTIFY_TO"],
            subject=one_line(subject)[:SUBJECT_MAX],
            body=f"{body}\n\nBekijk het in het beheer: {public_url()}/beheer/{item.id}\n",
            submission_id=item.id,
        )
    )


def status_footer(session: Session, row: OutboxMessage, config: Any) -> str:
    """For a mail to an applicant: a fresh status link (its hash stored and committed now), in a few lines."""
    if not row.status_link or row.submission_id is None:
        return ""
    token = mint(session, row.submission_id)
    session.commit()
    return (
        "\n-- \nUw persoonlijke statuspagina\n"
        "Hier ziet u hoe het met uw aanvraag staat en wat u nu kunt doen:\n"
        f"{status_url(config['PUBLIC_URL'], token)}\n"
        "Deze link is alleen voor u bedoeld: stuur deze e-mail niet door.\n"
    )
