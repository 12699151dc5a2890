"""Generate a piece of paperwork and store it as a document (a new version if it exists)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import Model, Prefetch
from django.utils import timezone
from django.utils.text import slugify

from accompagnements.models import (
    Accompagnement,
    Ingenierie,
    PlanAction,
    Proposal,
    TransitionLog,
)

from ..models import Document, DocumentKind, Source
from ..services import DocumentRefused, add_document, add_version
from .odt import cahier_des_charges_odt
from .pdf import render_pdf


@dataclass(frozen=True)
class PaperworkKind:
    code: str
    label: str
    anchor: str  # "accompagnement" or "ingenierie"
    document_kind: str
    title: str
    build: Callable[[Any], dict]
    template: str = ""
    odt: Callable[[dict], bytes] | None = None

    @property
    def extension(self) -> str:
        return "odt" if self.odt else "pdf"


def _related(obj: Model, name: str):
    # A missing reverse one-to-one raises an AttributeError subclass: None then.
    return getattr(obj, name, None)


def _diagnostic(case: Accompagnement) -> dict:
    diagnostic = _related(case, "diagnostic")
    if diagnostic is None:
        raise DocumentRefused("Le diagnostic partagé n'est pas encore rédigé.")
    return {
        "case": case,
        "structure": case.structure,
        "diagnostic": diagnostic,
        "axes": list(diagnostic.axes.order_by("priority", "axis")),
    }


def _parcours(case: Accompagnement) -> dict:
    parcours = _related(case, "parcours")
    if parcours is None:
        raise DocumentRefused("Le parcours d'accompagnement n'est pas encore élaboré.")
    actions = PlanAction.objects.filter(accompagnement=case).select_related(
        "acteur", "ingenierie__selected_prestataire"
    )
    return {
        "case": case,
        "structure": case.structure,
        "parcours": parcours,
        "diagnostic": _related(case, "diagnostic"),
        "actions": list(actions.order_by("position", "pk")),
    }


def _bilan(case: Accompagnement) -> dict:
    journal = list(TransitionLog.objects.filter(accompagnement=case).select_related("user"))
    ingenieries = list(
        Ingenierie.objects.filter(plan_actions__accompagnement=case)
        .select_related("selected_prestataire")
        .distinct()
    )
    return {
        "case": case,
        "structure": case.structure,
        "diagnostic": _related(case, "diagnostic"),
        "parcours": _related(case, "parcours"),
        "actions": list(
            PlanAction.objects.filter(accompagnement=case)
            .select_related("acteur", "ingenierie")
            .order_by("position", "pk")
        ),
        "journal": journal,
        "ingenieries": ingenieries,
        "followups": list(case.followups.order_by("checked_on")),
        "exchanges": case.echanges.count(),
        "days_open": ((case.closed_on or timezone.localdate()) - case.opened_on).days,
    }


def _cases_of(ingenierie: Ingenierie) -> list[Accompagnement]:
    return list(
        Accompagnement.objects.filter(plan_actions__ingenierie=ingenierie)
        .select_related("structure", "diagnostic")
        .distinct()
        .order_by("structure__name")
    )


def _cahier_des_charges(ingenierie: Ingenierie) -> dict:
    if not ingenierie.terms_of_reference.strip():
        raise DocumentRefused(
            "Cahier des charges : rédigez d'abord le texte du cahier des charges de l'ingénierie."
        )
    return {"ingenierie": ingenierie, "cases": _cases_of(ingenierie)}


def _pv_selection(ingenierie: Ingenierie) -> dict:
    if ingenierie.selected_prestataire_id is None:
        raise DocumentRefused("PV de sélection : indiquez d'abord le prestataire retenu.")
    proposals = Proposal.objects.filter(ingenierie=ingenierie).select_related("prestataire")
    return {
        "ingenierie": ingenierie,
        "cases": _cases_of(ingenierie),
        "proposals": list(proposals.order_by("-score", "prestataire__name")),
    }


KINDS = {
    kind.code: kind
    for kind in [
        PaperworkKind(
            "diagnostic",
            "Diagnostic partagé (PDF)",
            "accompagnement",
            DocumentKind.DIAGNOSTIC,
            "Diagnostic partagé",
            _diagnostic,
            "dossiers/paperwork/diagnostic.html",
        ),
        PaperworkKind(
            "parcours",
            "Parcours d'accompagnement (PDF)",
            "accompagnement",
            DocumentKind.PARCOURS,
            "Parcours d'accompagnement",
            _parcours,
            "dossiers/paperwork/parcours.html",
        ),
        PaperworkKind(
            "bilan",
            "Bilan de l'accompagnement (PDF)",
            "accompagnement",
            DocumentKind.BILAN,
            "Bilan de l'accompagnement",
            _bilan,
            "dossiers/paperwork/bilan.html",
        ),
        PaperworkKind(
            "cahier_des_charges",
            "Cahier des charges (PDF)",
            "ingenierie",
            DocumentKind.CAHIER_DES_CHARGES,
            "Cahier des charges",
            _cahier_des_charges,
            "dossiers/paperwork/cahier_des_charges.html",
        ),
        PaperworkKind(
            "cahier_des_charges_odt",
            "Cahier des charges modifiable (ODT)",
            "ingenierie",
            DocumentKind.CAHIER_DES_CHARGES,
            "Cahier des charges (modifiable)",
            _cahier_des_charges,
            odt=cahier_des_charges_odt,
        ),
        PaperworkKind(
            "pv_selection",
            "PV de sélection (PDF)",
            "ingenierie",
            DocumentKind.PV_SELECTION,
            "PV de sélection",
            _pv_selection,
            "dossiers/paperwork/pv_selection.html",
        ),
    ]
}


def kinds_for(anchor: str) -> list[PaperworkKind]:
    return [kind for kind in KINDS.values() if kind.anchor == anchor]


def generate(code: str, anchor: Accompagnement | Ingenierie, *, by: Any) -> Document:
    """Build the paperwork ``code`` from ``anchor``'s data and store it as a document.

    Generated again, it becomes a new version of the same document (the older
    versions stay). Refused with ``DocumentRefused`` when its data is missing.
    """
    kind = KINDS[code]
    context = kind.build(anchor)
    context |= {"generated_at": timezone.localtime(), "title": kind.title}
    content = kind.odt(context) if kind.odt else render_pdf(kind.template, context)
    subject = anchor.structure if isinstance(anchor, Accompagnement) else anchor
    name = f"{slugify(kind.title)}-{slugify(str(subject))[:60]}-{_stamp()}.{kind.extension}"
    upload = ContentFile(content, name=name)
    title = f"{kind.title} – {subject}"[:200]
    existing = (
        Document.objects.alive()
        .filter(**{kind.anchor: anchor}, kind=kind.document_kind, title=title)
        .prefetch_related(Prefetch("versions", to_attr="all_versions"))
        .first()
    )
    if existing is not None:
        add_version(existing, upload=upload, by=by, source=Source.GENERATED)
        return existing
    return add_document(
        upload=upload,
        kind=kind.document_kind,
        title=title,
        by=by,
        source=Source.GENERATED,
        **{kind.anchor: anchor},
    )


def _stamp() -> str:
    return f"{timezone.localtime():%Y%m%d-%H%M}"


__all__ = ["KINDS", "PaperworkKind", "generate", "kinds_for"]
