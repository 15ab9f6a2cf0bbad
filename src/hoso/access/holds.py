"""Holds on writing a dossier on this node (R-NO-SILO): the question "may this dossier be
written here at all?", asked by the one write gate (`policies.dossier_write`,
`policies.dossier_open_write`) before any write to an existing dossier.

A hold is not about who writes but about where the dossier is managed: a dossier handed over
to another agency leaves a read-only trace here, and one being handed over is frozen. That
knowledge (the `Handover` rows, the refusal texts) belongs to `hoso.federation`, which stands
beside `access` in the domain layer and imports it; `access` may not import it back (the
acyclic contract, pyproject.toml). So `access` owns the question and federation answers it:
`hoso.federation.apps` registers `handover.write_refusal` here when the app is ready.
docs/decisions/0024-write-holds.md explains the choice.

The registry fails closed: asked before any hold is registered (a node set up without the
federation app), the gate raises instead of letting a write through unchecked.
"""

from __future__ import annotations

from collections.abc import Callable

from hoso.core.errors import DomainError

Hold = Callable[[str], DomainError | None]

_holds: list[Hold] = []


class HoldsNotReady(RuntimeError):
    """The write gate was asked before any hold was registered: a set-up error, not a user's."""


def register(hold: Hold) -> None:
    """Add `hold` (a function of the personal id: its refusal, or None); registering the same
    function again is a no-op (Django may call `ready()` twice)."""
    if hold not in _holds:
        _holds.append(hold)


def registered() -> tuple[Hold, ...]:
    return tuple(_holds)


def refusal(personal_id: str) -> DomainError | None:
    """The first hold's refusal for writing `personal_id` here, or None when it is writable."""
    if not _holds:
        raise HoldsNotReady("no write hold registered: is hoso.federation in INSTALLED_APPS?")
    for hold in _holds:
        found = hold(str(personal_id))
        if found is not None:
            return found
    return None
