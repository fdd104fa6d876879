"""The review procedures as state machines, one per kind of queue item, after the seed's own steps."""

from __future__ import annotations

from .kinds import APPLICATION, CHANGE

#: state -> Dutch label, in the order of the procedure.
STATES: dict[str, str] = {
    "nieuw": "Nieuw",
    "in_behandeling": "In behandeling (contact opgenomen)",
    "stukken_verstuurd": "Stukken verstuurd",
    "getekend": "Overeenkomst getekend",
    "goedgekeurd": "Goedgekeurd (wijziging)",
    "gepubliceerd": "Gepubliceerd",
    "afgewezen": "Afgewezen",
    "ingetrokken": "Ingetrokken",
    "spam": "Spam",
}

FORWARD: dict[str, str] = {
    "nieuw": "in_behandeling",
    "in_behandeling": "stukken_verstuurd",
    "stukken_verstuurd": "getekend",
    "getekend": "gepubliceerd",
}
CLOSING = ("afgewezen", "ingetrokken", "spam")
# A change request has no agreement to sign: a reviewer approves it, then it is published.
CHANGE_FORWARD: dict[str, str] = {
    "nieuw": "in_behandeling",
    "in_behandeling": "goedgekeurd",
    "goedgekeurd": "gepubliceerd",
}
CHANGE_CLOSING = ("afgewezen", "spam")
#: kind -> (forward steps, closing states).
PROCEDURES: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    APPLICATION: (FORWARD, CLOSING),
    CHANGE: (CHANGE_FORWARD, CHANGE_CLOSING),
}
# An approved change whose record an editor changed since goes back for a fresh review.
BACK: dict[str, dict[str, str]] = {CHANGE: {"goedgekeurd": "in_behandeling"}}
#: kind -> the state from which publishing is allowed.
READY_TO_PUBLISH: dict[str, str] = {APPLICATION: "getekend", CHANGE: "goedgekeurd"}
FINAL_STATES = frozenset({"gepubliceerd", *CLOSING})
# Publishing writes files; it happens through publishing, never as a bare state change.
PUBLISH_ONLY = frozenset({"gepubliceerd"})


class TransitionError(ValueError):
    """A state change the procedure does not allow; the message is Dutch."""


def _procedure(kind: str) -> tuple[dict[str, str], tuple[str, ...]]:
    if kind not in PROCEDURES:
        raise TransitionError(f"Onbekende soort item ‘{kind}’.")
    return PROCEDURES[kind]


def allowed_targets(state: str, kind: str = APPLICATION) -> list[str]:
    """States reachable from `state` by a reviewer's action, in the procedure of `kind`."""
    forward, closing = _procedure(kind)
    if state not in forward:
        return []
    back = BACK.get(kind, {}).get(state)
    return [forward[state], *([back] if back else []), *closing]


def check_transition(current: str, target: str, *, publishing: bool = False, kind: str = APPLICATION) -> None:
    """Raise TransitionError unless current -> target is a legal step for an item of `kind`."""
    if target not in STATES:
        raise TransitionError(f"Onbekende status ‘{target}’. Kies uit: {', '.join(STATES)}.")
    if target == current:
        raise TransitionError(f"Het item heeft al de status ‘{STATES[current]}’.")
    if target not in allowed_targets(current, kind):
        raise TransitionError(
            f"Van ‘{STATES[current]}’ kan het item niet naar ‘{STATES[target]}’."
            + (" Het is afgesloten." if current in FINAL_STATES else "")
        )
    if target in PUBLISH_ONLY and not publishing:
        raise TransitionError("Publiceren gaat via ‘publiceren’, zodat het partnerrecord wordt geschreven.")
