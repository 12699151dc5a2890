"""Recording (and withdrawing) a structure's consent to share with a resource centre."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accompagnements.models import Accompagnement
from territoires.models import CentreRessources

from ..models import PartageCentre


class ConsentRefused(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _writable(case: Accompagnement, by: Any) -> None:
    if not Accompagnement.objects.editable_by(by).filter(pk=case.pk).exists():
        raise PermissionDenied("Vous ne pouvez pas modifier cet accompagnement.")


def record_consent(
    case: Accompagnement,
    *,
    centre: CentreRessources,
    consent_on: datetime.date,
    consent_by_name: str,
    by: Any,
) -> PartageCentre:
    """The structure agreed that ``centre`` reads the case's diagnostic and documents."""
    _writable(case, by)
    name = (consent_by_name or "").strip()
    if not name:
        raise ConsentRefused(
            "Accord donné par : indiquez qui a donné l'accord pour la structure.",
            "consent_by_name",
        )
    with transaction.atomic():
        if PartageCentre.objects.filter(accompagnement=case, centre=centre).exists():
            raise ConsentRefused("Centre de ressources : le partage est déjà enregistré.", "centre")
        partage = PartageCentre(
            accompagnement=case,
            centre=centre,
            consent_on=consent_on,
            consent_by_name=name[:200],
            recorded_by=by,
        )
        partage._history_user = by  # type: ignore[attr-defined]
        partage.save()
    return partage


def withdraw_consent(partage: PartageCentre, *, by: Any) -> None:
    """The centre stops reading at once; the history keeps the consent and its withdrawal."""
    _writable(partage.accompagnement, by)
    with transaction.atomic():
        partage._history_user = by  # type: ignore[attr-defined]
        partage.delete()
