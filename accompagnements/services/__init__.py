"""Write actions on cases and their phases, one module per use case.

Views parse, call a verb from here and render; every verb is atomic and keeps
history rows. Names are re-exported so callers import from the package.
"""

from .cases import (
    COMMENT_REQUIRED,
    CONFLICT_MESSAGE,
    TRANSITIONS,
    CaseAlreadyOpen,
    Conflict,
    ReasonRequired,
    TransitionRefused,
    advance,
    available_transitions,
    missing_for,
    open_case,
    update_case,
)

__all__ = [
    "COMMENT_REQUIRED",
    "CONFLICT_MESSAGE",
    "TRANSITIONS",
    "CaseAlreadyOpen",
    "Conflict",
    "ReasonRequired",
    "TransitionRefused",
    "advance",
    "available_transitions",
    "missing_for",
    "open_case",
    "update_case",
]
