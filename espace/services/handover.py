"""Réorientation handed over: the support actor receives the request and acknowledges it."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accompagnements.models import Accompagnement, State
from liens.models import Purpose, SecureLink
from liens.services import act

from ..models import Handover
from .common import Refused, send_link, tell_officer


def send_handover(
    case: Accompagnement,
    *,
    consent_given_by: str,
    consent_on: datetime.date,
    message: str,
    by: Any,
) -> Handover:
    """Only with the structure's consent (its data go to another organisation, RGPD)."""
    acteur = case.reoriented_to
    if case.state != State.REORIENTE or acteur is None:
        raise Refused("La passation suit une réorientation vers un acteur d'appui.")
    if not acteur.email:
        raise Refused(f"{acteur} n'a pas de courriel : ajoutez-le dans l'annuaire des acteurs.")
    if not consent_given_by.strip():
        raise Refused("Accord de la structure : indiquez qui a donné son accord.")
    if consent_on > timezone.localdate():
        raise Refused("Accord donné le : la date ne peut pas être dans le futur.")
    with transaction.atomic():
        handover = Handover.objects.create(
            accompagnement=case,
            acteur=acteur,
            consent_given_by=consent_given_by.strip(),
            consent_on=consent_on,
            message=message.strip(),
            sent_by=by,
        )
        send_link(
            purpose=Purpose.ORIENTATION,
            target=handover,
            name=acteur.name,
            email=acteur.email,
            by=by,
            context={"case": case, "structure": case.structure, "handover": handover},
            concerns=case,
        )
    return handover


def acknowledge(link: SecureLink, *, request, name: str, answer: str) -> Handover:
    handover = Handover.objects.select_related(
        "accompagnement__structure", "accompagnement__officer"
    ).get(pk=link.object_id)
    if not name.strip():
        raise Refused("Votre nom : indiquez qui accuse réception.")
    with transaction.atomic():
        act(
            link,
            "accuse_reception",
            request=request,
            final=True,
            name=name.strip(),
            details={"reponse": answer.strip()},
        )
        Handover.objects.filter(pk=handover.pk).update(
            acknowledged_at=timezone.now(),
            acknowledged_by=name.strip()[:200],
            acknowledgement=answer.strip(),
        )
        case = handover.accompagnement
        tell_officer(
            case,
            subject=f"{handover.acteur} a bien reçu l'orientation de {case.structure}",
            text=f"{name} ({handover.acteur}) accuse réception de l'orientation."
            + (f"\n\n{answer.strip()}" if answer.strip() else ""),
            concerns=case,
        )
    handover.refresh_from_db()
    return handover
