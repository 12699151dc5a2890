"""The system actor: work done by tasks and commands, on nobody's behalf.

A person is always a ``User``; ``SYSTEM`` stands for the product itself (the
scheduled national report, a command-line import, the reminders). It is never
authenticated and has no role or DLA; the access policy gives it read access to
everything, never the rights of a person. ``None`` never means "everything".
"""

from typing import Final


class _System:
    pk: Final = None
    id: Final = None
    dla_id: Final = None
    role: Final = None
    is_authenticated: Final = False
    is_active: Final = True
    is_staff: Final = False
    is_superuser: Final = False
    username: Final = "système"

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "DLA Suivi (traitement automatique)"


SYSTEM: Final = _System()


def is_system(actor: object) -> bool:
    return actor is SYSTEM
