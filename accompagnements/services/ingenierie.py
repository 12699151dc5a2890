"""Ingénieries: commissioning one for a case and its proposals.

Its funding lines commit the DLA's ingénierie fund: ``pilotage.services`` writes them.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User

from ..models import (
    Accompagnement,
    ActionKind,
    Ingenierie,
    PlanAction,
    Proposal,
)
from .history import delete_by, save_by, save_checked
from .parcours import next_position


def create_ingenierie(case: Accompagnement, ingenierie: Ingenierie, *, by: User) -> Ingenierie:
    """Commission ``ingenierie`` by the case's DLA and add it to the case's plan."""
    with transaction.atomic():
        ingenierie.dla = case.dla
        save_checked(ingenierie, by)
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
    """Dates, selection and status rules: ``Ingenierie.clean``."""
    save_checked(ingenierie, by)
    return ingenierie


def add_proposal(ingenierie: Ingenierie, proposal: Proposal, *, by: User) -> Proposal:
    proposal.ingenierie = ingenierie
    save_checked(proposal, by)
    return proposal


def update_proposal(proposal: Proposal, *, by: User) -> Proposal:
    """Correct a proposal (score, price, days…); the history keeps the previous values."""
    save_checked(proposal, by)
    return proposal


def remove_proposal(proposal: Proposal, *, by: User) -> None:
    """Remove a proposal entered by mistake (journaled); not the selected consultant's."""
    ingenierie = proposal.ingenierie
    if ingenierie.selected_prestataire_id == proposal.prestataire_id:
        raise ValidationError(
            {
                "prestataire": (
                    "Prestataire : c'est le prestataire retenu ; changez d'abord le prestataire "
                    "retenu de l'ingénierie."
                )
            }
        )
    delete_by(proposal, by)


def mark_informed(proposal: Proposal, *, by: User) -> Proposal:
    """Record that the consultant was told the decision (every candidate is, DOMAIN.md)."""
    proposal.informed = True
    save_by(proposal, by, update_fields=["informed"])
    return proposal
