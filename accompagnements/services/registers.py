"""Registers shared by cases: consultants, support actors, comités d'appui and their opinions.

Who may add to a register is a capability of ``territoires.policy``; the caller
asks it (and ``editable_by`` for an existing record) before calling these.
"""

from collections.abc import Iterable

from django.db import transaction

from accounts.models import User
from territoires.models import Departement

from ..models import ActeurAppui, ComiteAppui, ComiteReview, Prestataire
from .history import save_by


def save_prestataire(prestataire: Prestataire, *, by: User) -> Prestataire:
    save_by(prestataire, by)
    return prestataire


def save_acteur(
    acteur: ActeurAppui, *, departements: Iterable[Departement], by: User
) -> ActeurAppui:
    """Write the actor and the departments it covers together."""
    with transaction.atomic():
        save_by(acteur, by)
        acteur.departements.set(departements)
    return acteur


def create_comite(comite: ComiteAppui, *, by: User) -> ComiteAppui:
    save_by(comite, by)
    return comite


def add_review(comite: ComiteAppui, review: ComiteReview, *, by: User) -> ComiteReview:
    review.comite = comite
    save_by(review, by)
    return review
