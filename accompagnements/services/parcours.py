"""Élaboration du parcours: the plan and its actions."""

from django.db import transaction

from accounts.models import User

from ..models import Accompagnement, Parcours, PlanAction
from .history import delete_by, save_by, save_checked


def next_position(case: Accompagnement) -> int:
    """Where a new action goes: after the existing ones."""
    return case.plan_actions.count() + 1


def save_parcours(case: Accompagnement, parcours: Parcours, *, by: User) -> Parcours:
    """Write the plan; the first save creates it (never on opening the form)."""
    parcours.accompagnement = case
    save_checked(parcours, by)
    return parcours


def save_action(case: Accompagnement, action: PlanAction, *, by: User) -> PlanAction:
    action.accompagnement = case
    save_by(action, by)
    return action


def remove_action(action: PlanAction, *, by: User) -> None:
    with transaction.atomic():
        delete_by(action, by)
