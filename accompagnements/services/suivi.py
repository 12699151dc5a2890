"""Suivi de l'accompagnement: follow-up checkpoints."""

from accounts.models import User

from ..models import Accompagnement, FollowUp
from .history import save_checked


def record_followup(case: Accompagnement, followup: FollowUp, *, by: User) -> FollowUp:
    followup.accompagnement = case
    save_checked(followup, by)
    return followup
