"""Suivi de l'accompagnement: follow-up checkpoints."""

from accounts.models import User

from ..models import Accompagnement, FollowUp
from .history import save_by


def record_followup(case: Accompagnement, followup: FollowUp, *, by: User) -> FollowUp:
    followup.accompagnement = case
    save_by(followup, by)
    return followup
