"""The consultant register as a referencing tool: competences, sectors, departments,
referencing dates, attestations that expire, missions and satisfaction, duplicates."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accompagnements.models import Ingenierie, Prestataire, Proposal
from territoires.collation import french

from ..models import Attestation, Invitation, Referencement
from .common import Refused

# A referencing to renew within this many days is flagged on the register.
RENEWAL_WARNING_DAYS = 60
SORTS = {
    "nom": (french("name"), "pk"),
    "missions": ("-mission_count", french("name")),
    "satisfaction": ("-satisfaction_mean", french("name")),
    "renouvellement": ("referencement__renewal_on", french("name")),
}


def register(user: Any, *, today: datetime.date | None = None) -> QuerySet[Prestataire]:
    """The consultants ``user`` may read, with what the register shows about each."""
    today = today or timezone.localdate()
    return (
        Prestataire.objects.visible_to(user)
        .select_related("referencement", "dla")
        .annotate(
            mission_count=Count("ingenieries", distinct=True),
            satisfaction_mean=Avg("ingenieries__satisfaction"),
            has_expired=Exists(
                Attestation.objects.filter(prestataire=OuterRef("pk"), expires_on__lt=today)
            ),
        )
    )


def search(
    queryset: QuerySet[Prestataire],
    *,
    text: str = "",
    competence: str = "",
    sector: str = "",
    departement: Any = None,
    min_missions: int | None = None,
    expired_only: bool = False,
    sort: str = "nom",
) -> QuerySet[Prestataire]:
    if text:
        queryset = queryset.filter(
            Q(name__icontains=text) | Q(siret=text) | Q(contact_name__icontains=text)
        )
    if competence:
        queryset = queryset.filter(referencement__competences__contains=f",{competence},")
    if sector:
        queryset = queryset.filter(referencement__sectors__contains=f",{sector},")
    if departement is not None:
        queryset = queryset.filter(
            pk__in=Referencement.objects.filter(departements=departement).values("prestataire_id")
        )
    if min_missions:
        queryset = queryset.filter(mission_count__gte=min_missions)
    if expired_only:
        queryset = queryset.filter(has_expired=True)
    return queryset.order_by(*SORTS.get(sort, SORTS["nom"]))


def save_referencement(
    prestataire: Prestataire,
    *,
    competences: list[str],
    sectors: list[str],
    departements: list[Any],
    referenced_on: datetime.date | None,
    renewal_on: datetime.date | None,
) -> Referencement:
    if referenced_on and renewal_on and renewal_on <= referenced_on:
        raise Refused("Renouvellement : la date doit suivre celle du référencement.")
    outside = [d for d in departements if d.region_id != prestataire.region_id]
    if outside:
        raise Refused("Départements couverts : choisissez des départements de la région.")
    with transaction.atomic():
        referencement, _ = Referencement.objects.update_or_create(
            prestataire=prestataire,
            defaults={
                "competences": Referencement.pack(competences),
                "sectors": Referencement.pack(sectors),
                "referenced_on": referenced_on,
                "renewal_on": renewal_on,
            },
        )
        referencement.departements.set(departements)
    return referencement


def add_attestation(
    prestataire: Prestataire, *, kind: str, reference: str, expires_on: datetime.date
) -> Attestation:
    return Attestation.objects.create(
        prestataire=prestataire, kind=kind, reference=reference.strip(), expires_on=expires_on
    )


def _normalised(name: str) -> str:
    from structures.text import normalize

    return normalize(name)


def duplicates_of(prestataire: Prestataire) -> list[Prestataire]:
    """Other consultants of the region with the same SIRET or the same name."""
    same_region = Prestataire.objects.filter(region_id=prestataire.region_id).exclude(
        pk=prestataire.pk
    )
    name = _normalised(prestataire.name)
    return [
        other
        for other in same_region.order_by(french("name"))
        if (prestataire.siret and other.siret == prestataire.siret)
        or _normalised(other.name) == name
    ]


def merge(keep: Prestataire, duplicate: Prestataire, *, by: Any) -> Prestataire:
    """Move everything of ``duplicate`` onto ``keep``, then delete ``duplicate``."""
    if duplicate.pk not in {p.pk for p in duplicates_of(keep)}:
        raise Refused("Fusion : ce prestataire n'est pas un doublon (même SIRET ou même nom).")
    if not Prestataire.objects.editable_by(by).filter(pk__in=[keep.pk, duplicate.pk]).count() == 2:
        raise PermissionDenied("Les deux fiches doivent être gérées par votre DLA.")
    both = Proposal.objects.filter(prestataire=duplicate, ingenierie__proposals__prestataire=keep)
    if both.exists():
        raise Refused(
            "Fusion : les deux fiches ont répondu à la même consultation ; corrigez-la d'abord."
        )
    try:
        with transaction.atomic():
            Proposal.objects.filter(prestataire=duplicate).update(prestataire=keep)
            Ingenierie.objects.filter(selected_prestataire=duplicate).update(
                selected_prestataire=keep
            )
            Invitation.objects.filter(prestataire=duplicate).update(prestataire=keep)
            Attestation.objects.filter(prestataire=duplicate).update(prestataire=keep)
            theirs = Referencement.objects.filter(prestataire=duplicate).first()
            if theirs is not None:
                ours, _ = Referencement.objects.get_or_create(prestataire=keep)
                ours.competences = Referencement.pack(
                    set(Referencement.unpack(ours.competences))
                    | set(Referencement.unpack(theirs.competences))
                )
                ours.sectors = Referencement.pack(
                    set(Referencement.unpack(ours.sectors))
                    | set(Referencement.unpack(theirs.sectors))
                )
                ours.referenced_on = ours.referenced_on or theirs.referenced_on
                ours.renewal_on = max(
                    filter(None, [ours.renewal_on, theirs.renewal_on]), default=None
                )
                ours.save()
                ours.departements.add(*theirs.departements.all())
            for field in ("siret", "contact_name", "email", "phone"):
                if not getattr(keep, field) and getattr(duplicate, field):
                    setattr(keep, field, getattr(duplicate, field))
            keep.save()
            duplicate.delete()
    except IntegrityError as exc:
        raise Refused(
            "Fusion : les deux fiches ont été consultées pour la même ingénierie."
        ) from exc
    return keep
