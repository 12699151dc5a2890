"""Write actions of the steering side: conventions, commitments of the fund, objectives,
comités de pilotage, consents to share with a resource centre. Forms, views, the API
and commands all go through these verbs."""

from .conventions import (
    ConventionRefused,
    add_convention,
    add_document,
    open_document,
    save_contribution,
    save_convention_year,
)
from .engagements import (
    CommitmentRefused,
    OverrunNotConfirmed,
    cancel_line,
    check_commitment,
    commit,
    correct_line,
)
from .objectifs import record_comite, save_objectives
from .partage import ConsentRefused, record_consent, withdraw_consent

__all__ = [
    "CommitmentRefused",
    "ConsentRefused",
    "ConventionRefused",
    "OverrunNotConfirmed",
    "add_convention",
    "add_document",
    "cancel_line",
    "check_commitment",
    "commit",
    "correct_line",
    "open_document",
    "record_comite",
    "record_consent",
    "save_contribution",
    "save_convention_year",
    "save_objectives",
    "withdraw_consent",
]
