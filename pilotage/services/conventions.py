"""Conventions, their yearly amendments, the funders' contributions and their documents."""

from __future__ import annotations

import datetime
import uuid
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.db import transaction

from dossiers.services import document_storage, max_upload_bytes
from territoires.models import Dla
from uploads import check_upload

from ..models import (
    ComitePilotage,
    Contribution,
    Convention,
    ConventionYear,
    DlaPilotage,
    PilotageDocument,
    PilotageDocumentKind,
)

# A convention longer than this is a typing error (DOMAIN.md: three-year conventions).
MAX_CONVENTION_YEARS = 6


class ConventionRefused(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _steers(dla: Dla, by: Any) -> None:
    if not DlaPilotage.objects.editable_by(by).filter(pk=dla.pk).exists():
        raise PermissionDenied("Vous ne pouvez pas modifier le pilotage de ce DLA.")


def _overlapping(
    dla_id: int, starts_on: datetime.date, ends_on: datetime.date, exclude: int | None = None
) -> ConventionYear | None:
    years = ConventionYear.objects.filter(
        dla_id=dla_id, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    if exclude is not None:
        years = years.exclude(pk=exclude)
    return years.first()


def add_convention(
    dla: Dla,
    *,
    title: str,
    first_year: int,
    last_year: int,
    by: Any,
    reference: str = "",
    signed_on: datetime.date | None = None,
) -> Convention:
    """A convention and one convention year per calendar year (amend dates afterwards)."""
    _steers(dla, by)
    if not (2000 <= first_year <= last_year <= 2100):
        raise ConventionRefused(
            "Dernière année : elle suit la première année (années entre 2000 et 2100).",
            "last_year",
        )
    if last_year - first_year + 1 > MAX_CONVENTION_YEARS:
        raise ConventionRefused(
            f"Dernière année : une convention couvre au plus {MAX_CONVENTION_YEARS} ans.",
            "last_year",
        )
    with transaction.atomic():
        DlaPilotage.objects.select_for_update().get(pk=dla.pk)
        taken = ConventionYear.objects.filter(
            dla=dla, year__gte=first_year, year__lte=last_year
        ).values_list("year", flat=True)
        if taken:
            years = ", ".join(str(y) for y in sorted(taken))
            raise ConventionRefused(
                f"Première année : le DLA a déjà une convention pour {years}.", "first_year"
            )
        for year in range(first_year, last_year + 1):
            if _overlapping(dla.pk, datetime.date(year, 1, 1), datetime.date(year, 12, 31)):
                raise ConventionRefused(
                    f"Première année : une année de convention existante chevauche {year}.",
                    "first_year",
                )
        convention = Convention(
            dla=dla,
            title=title.strip()[:200],
            reference=(reference or "").strip()[:100],
            first_year=first_year,
            last_year=last_year,
            signed_on=signed_on,
        )
        convention._history_user = by  # type: ignore[attr-defined]
        convention.save()
        for year in range(first_year, last_year + 1):
            row = ConventionYear(
                convention=convention,
                year=year,
                starts_on=datetime.date(year, 1, 1),
                ends_on=datetime.date(year, 12, 31),
            )
            row._history_user = by  # type: ignore[attr-defined]
            row.save()
    return convention


def save_convention_year(year: ConventionYear, *, by: Any) -> ConventionYear:
    """The yearly amendment: dates (never overlapping another year of the DLA), reference."""
    _steers(year.convention.dla, by)
    if year.starts_on > year.ends_on:
        raise ConventionRefused("Fin : la fin suit le début.", "ends_on")
    with transaction.atomic():
        DlaPilotage.objects.select_for_update().get(pk=year.convention.dla_id)
        other = _overlapping(year.convention.dla_id, year.starts_on, year.ends_on, year.pk)
        if other is not None:
            raise ConventionRefused(
                f"Début : la période chevauche l'année de convention {other.year} "
                f"({other.starts_on:%d/%m/%Y} – {other.ends_on:%d/%m/%Y}).",
                "starts_on",
            )
        year._history_user = by  # type: ignore[attr-defined]
        year.save()
    return year


def save_contribution(
    year: ConventionYear, *, financeur: Any, running_amount: Any, ingenierie_amount: Any, by: Any
) -> Contribution:
    """A funder's amounts for the year (a second entry for the same funder replaces the first)."""
    _steers(year.convention.dla, by)
    with transaction.atomic():
        contribution = Contribution.objects.filter(
            convention_year=year, financeur=financeur
        ).first() or Contribution(convention_year=year, financeur=financeur)
        contribution.running_amount = running_amount
        contribution.ingenierie_amount = ingenierie_amount
        contribution._history_user = by  # type: ignore[attr-defined]
        contribution.save()
    return contribution


def add_document(
    *,
    upload: IO[bytes] | File,
    kind: str,
    title: str,
    by: Any,
    convention: Convention | None = None,
    comite: ComitePilotage | None = None,
) -> PilotageDocument:
    """A document of a convention or a comité, stored like the case documents."""
    if (convention is None) == (comite is None):
        raise ValueError("Un document de pilotage est rattaché à une convention ou à un comité.")
    anchor = convention or comite
    _steers(anchor.dla, by)  # type: ignore[union-attr]
    if kind not in PilotageDocumentKind.values:
        raise ConventionRefused("Type de document : choisissez un type dans la liste.", "kind")
    checked = check_upload(upload, max_bytes=max_upload_bytes())
    name = f"pilotage/{datetime.date.today():%Y/%m}/{uuid.uuid4().hex}.{checked.extension}"
    name = document_storage().save(name, ContentFile(checked.content))
    try:
        with transaction.atomic():
            return PilotageDocument.objects.create(
                dla_id=anchor.dla_id,  # type: ignore[union-attr]
                convention=convention,
                comite=comite,
                kind=kind,
                title=((title or "").strip() or checked.name.rsplit(".", 1)[0])[:200],
                storage_name=name,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=by,
            )
    except BaseException:
        document_storage().delete(name)
        raise


def open_document(document: PilotageDocument) -> File:
    return document_storage().open(document.storage_name, "rb")
