from .acteurs import ActeurAppui, ActeurKind
from .case import (
    AbandonReason,
    Accompagnement,
    Channel,
    ReorientationReason,
    State,
    TransitionLog,
    followup_delay,
    phase_delays,
)
from .diagnostic import Axis, Diagnostic, DiagnosticAxis, Priority, validated_q
from .echanges import Echange, EchangeKind, Tache
from .ingenierie import (
    ComiteAppui,
    ComiteReview,
    Funder,
    Funding,
    Ingenierie,
    IngenierieKind,
    IngenierieStatus,
    Opinion,
    Prestataire,
    Proposal,
    Satisfaction,
)
from .notifications import DigestSent, DigestSubscription, Notification, NotificationKind
from .parcours import ActionKind, Parcours, PlanAction
from .passation import Passation, PassationKind, PassationStatus
from .suivi import FollowUp, Situation

__all__ = [
    "AbandonReason",
    "Accompagnement",
    "ActeurAppui",
    "ActeurKind",
    "ActionKind",
    "Axis",
    "Channel",
    "ComiteAppui",
    "ComiteReview",
    "Diagnostic",
    "DiagnosticAxis",
    "DigestSent",
    "DigestSubscription",
    "Echange",
    "EchangeKind",
    "FollowUp",
    "Funder",
    "Funding",
    "Ingenierie",
    "IngenierieKind",
    "IngenierieStatus",
    "Notification",
    "NotificationKind",
    "Opinion",
    "Parcours",
    "Passation",
    "PassationKind",
    "PassationStatus",
    "PlanAction",
    "Prestataire",
    "Priority",
    "Proposal",
    "ReorientationReason",
    "Satisfaction",
    "Situation",
    "State",
    "Tache",
    "TransitionLog",
    "followup_delay",
    "phase_delays",
    "validated_q",
]
