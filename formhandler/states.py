"""The review procedure as a state machine, after the seed's own steps."""

from __future__ import annotations

#: state -> Dutch label, in the order of the procedure.
STATES: dict[str, str] = {
    "nieuw": "Nieuw",
    "in_behandeling": "In behandeling (contact opgenomen)",
    "stukken_verstuurd": "Stukken verstuurd",
    "getekend": "Overeenkomst getekend",
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
OPEN_STATES = frozenset(FORWARD)
FINAL_STATES = frozenset({"gepubliceerd", *CLOSING})
# Publishing writes files; it happens through publish, never as a bare state change.
PUBLISH_ONLY = frozenset({"gepubliceerd"})


class TransitionError(ValueError):
    """A state change the procedure does not allow; the message is Dutch."""


def allowed_targets(state: str) -> list[str]:
    """States reachable from `state` by a reviewer's action."""
    if state not in OPEN_STATES:
        return []
    return [FORWARD[state], *CLOSING]


def check_transition(current: str, target: str, *, publishing: bool = False) -> None:
    """Raise TransitionError unless current -> target is a legal step."""
    if target not in STATES:
        raise TransitionError(f"Onbekende status '{target}'. Kies uit: {', '.join(STATES)}.")
    if target == current:
        raise TransitionError(f"Het item heeft al de status '{STATES[current]}'.")
    if target not in allowed_targets(current):
        raise TransitionError(
            f"Van '{STATES[current]}' kan het item niet naar '{STATES[target]}'."
            + (" Het is afgesloten." if current in FINAL_STATES else "")
        )
    if target in PUBLISH_ONLY and not publishing:
        raise TransitionError("Publiceren gaat via 'publiceren', zodat het partnerrecord wordt geschreven.")
