"""Ingénieries: commissioning one for a case and its proposals.

Its funding lines commit the DLA's ingénierie fund: ``pilotage.services`` writes them.
"""

from django.db import transaction

from accounts.models import User

from ..models import (
    Accompagnement,
    ActionKind,
    Ingenierie,
    PlanAction,
    Proposal,
)
from .history import save_by
from .parcours import next_position


def create_ingenierie(case: Accompagnement, ingenierie: Ingenierie, *, by: User) -> Ingenierie:
    """Commission ``ingenierie`` by the case's DLA and add it to the case's plan."""
    with transaction.atomic():
        ingenierie.dla = case.dla
        save_by(ingenierie, by)
        action = PlanAction(
            accompagnement=case,
            position=next_position(case),
            kind=ActionKind.INGENIERIE,
            title=ingenierie.title,
            ingenierie=ingenierie,
        )
        save_by(action, by)
    return ingenierie


def save_ingenierie(ingenierie: Ingenierie, *, by: User) -> Ingenierie:
    save_by(ingenierie, by)
    return ingenierie


def add_proposal(ingenierie: Ingenierie, proposal: Proposal, *, by: User) -> Proposal:
    proposal.ingenierie = ingenierie
    save_by(proposal, by)
    return proposal


def mark_informed(proposal: Proposal, *, by: User) -> Proposal:
    """Record that the consultant was told the decision (every candidate is, DOMAIN.md)."""
    proposal.informed = True
    save_by(proposal, by, update_fields=["informed"])
    return proposal
