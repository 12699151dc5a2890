"""The structure's part: validating its diagnostic and parcours, surveys and questionnaires."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accompagnements.models import (
    Accompagnement,
    Diagnostic,
    FollowUp,
    Ingenierie,
    Parcours,
    State,
)
from liens.models import Purpose, SecureLink
from liens.services import act

from ..models import StructureAnswer
from .common import Refused, send_link, tell_officer

# Which phase each structure purpose belongs to: sending is refused elsewhere.
PHASES = {
    Purpose.DIAGNOSTIC: {State.DIAGNOSTIC},
    Purpose.PARCOURS: {State.PARCOURS},
    Purpose.SATISFACTION: {State.SUIVI, State.CLOTURE},
    Purpose.SUIVI: {State.SUIVI, State.CLOTURE},
}
STRUCTURE_PURPOSES = tuple(PHASES)


def _diagnostic(case: Accompagnement) -> Diagnostic | None:
    return Diagnostic.objects.filter(accompagnement=case).first()


def _parcours(case: Accompagnement) -> Parcours | None:
    return Parcours.objects.filter(accompagnement=case).first()


def check_sendable(case: Accompagnement, purpose: str) -> None:
    """Refuse a link the case cannot use yet (or any more), saying why."""
    if purpose not in PHASES:
        raise Refused("Objet du lien inconnu.")
    if case.state not in PHASES[Purpose(purpose)]:
        raise Refused(f"Ce lien ne peut pas être envoyé en phase « {case.get_state_display()} ».")
    if purpose == Purpose.DIAGNOSTIC:
        diagnostic = _diagnostic(case)
        if diagnostic is None or not diagnostic.summary.strip():
            raise Refused("Rédigez la synthèse du diagnostic avant de l'envoyer à la structure.")
        if diagnostic.is_validated:
            raise Refused("Le diagnostic est déjà validé par la structure.")
    if purpose == Purpose.PARCOURS:
        parcours = _parcours(case)
        if parcours is None or not case.plan_actions.exists():
            raise Refused("Le parcours doit comporter au moins une action avant d'être envoyé.")
        if parcours.is_validated:
            raise Refused("Le parcours est déjà validé par la structure.")


def send_to_structure(
    case: Accompagnement, purpose: str, *, name: str, email: str, by: Any
) -> SecureLink:
    check_sendable(case, purpose)
    return send_link(
        purpose=purpose,
        target=case,
        name=name,
        email=email,
        by=by,
        context={"case": case, "structure": case.structure},
    )


def _case(link: SecureLink) -> Accompagnement:
    return Accompagnement.objects.select_related("structure", "officer", "dla").get(
        pk=link.object_id
    )


def validate(link: SecureLink, *, request, name: str, role: str) -> Accompagnement:
    """The structure validates its diagnostic or parcours (who and when, DOMAIN.md)."""
    name, role = name.strip(), role.strip()
    if not name:
        raise Refused("Votre nom : indiquez qui valide pour la structure.")
    if not role:
        raise Refused("Votre fonction : indiquez votre fonction dans la structure.")
    case = _case(link)
    model = Diagnostic if link.purpose == Purpose.DIAGNOSTIC else Parcours
    with transaction.atomic():
        document = model.objects.select_for_update().filter(accompagnement=case).first()
        if document is None or case.state not in PHASES[Purpose(link.purpose)]:
            raise Refused("Ce document n'est plus à valider : contactez le DLA.")
        if document.is_validated:
            raise Refused("Ce document est déjà validé.")
        who = f"{name} ({role})"
        act(link, "validation", request=request, final=True, name=who)
        document.validated_by_name = f"{who}, en ligne"[:200]
        document.validated_on = timezone.localdate()
        document._history_user = None
        document.save(update_fields=["validated_by_name", "validated_on"])
        label = "le diagnostic partagé" if model is Diagnostic else "le parcours"
        tell_officer(
            case,
            subject=f"{case.structure} a validé {label}",
            text=f"{who} a validé {label} de {case.structure} en ligne.",
            concerns=case,
        )
    return case


def send_remarks(link: SecureLink, *, request, name: str, remarks: str) -> Accompagnement:
    """Remarks instead of a validation: journaled, sent to the officer; the link stays."""
    name, remarks = name.strip(), remarks.strip()
    if not name:
        raise Refused("Votre nom : indiquez qui écrit pour la structure.")
    if not remarks:
        raise Refused("Vos remarques : écrivez ce qui doit être revu.")
    case = _case(link)
    label = "le diagnostic partagé" if link.purpose == Purpose.DIAGNOSTIC else "le parcours"
    with transaction.atomic():
        act(
            link,
            "remarques",
            request=request,
            final=False,
            name=name,
            details={"remarques": remarks},
        )
        tell_officer(
            case,
            subject=f"Remarques de {case.structure} sur {label}",
            text=f"{name} a envoyé des remarques sur {label} :\n\n{remarks}",
            concerns=case,
        )
    return case


def _rated_ingenieries(case: Accompagnement) -> list[Ingenierie]:
    return list(
        case.ingenieries.filter(selected_prestataire__isnull=False)
        .select_related("selected_prestataire")
        .distinct()
    )


def answer_satisfaction(
    link: SecureLink,
    *,
    request,
    name: str,
    overall: int,
    consultants: dict[int, int],
    comment: str,
) -> StructureAnswer:
    """The satisfaction survey fills the fields the indicators read, marked as the structure's."""
    case = _case(link)
    ingenieries = {ing.pk: ing for ing in _rated_ingenieries(case)}
    if set(consultants) - set(ingenieries):
        raise Refused("Satisfaction : une ingénierie notée n'appartient pas à cet accompagnement.")
    with transaction.atomic():
        act(link, "enquete_satisfaction", request=request, final=True, name=name.strip())
        followup = case.followups.order_by("-checked_on", "-pk").first()
        if followup is not None:
            followup.satisfaction = overall
            followup._history_user = None
            followup.save(update_fields=["satisfaction"])
        for pk, value in consultants.items():
            Ingenierie.objects.filter(pk=pk).update(satisfaction=value)
        answer = StructureAnswer.objects.create(
            link=link,
            purpose=Purpose.SATISFACTION,
            accompagnement=case,
            followup=followup,
            answered_by=name.strip()[:200],
            answers={
                "satisfaction": overall,
                "prestataires": {str(pk): value for pk, value in consultants.items()},
                "commentaire": comment.strip(),
            },
        )
        answer.ingenieries.set(list(consultants))
        tell_officer(
            case,
            subject=f"{case.structure} a répondu à l'enquête de satisfaction",
            text=f"{name} a répondu à l'enquête de satisfaction pour {case.structure}.",
            concerns=case,
        )
    return answer


def answer_followup(link: SecureLink, *, request, name: str, figures: dict[str, Any]) -> FollowUp:
    """The follow-up questionnaire becomes a checkpoint, marked as given by the structure."""
    headcount, cdi, cdd = figures["headcount"], figures["cdi_count"], figures["cdd_count"]
    if cdi + cdd > headcount:
        raise Refused("Salariés en CDI et en CDD : leur total dépasse l'effectif salarié.")
    if Decimal(figures["fte"]) > headcount:
        raise Refused("Équivalents temps plein : ils ne peuvent pas dépasser l'effectif salarié.")
    case = _case(link)
    with transaction.atomic():
        act(link, "questionnaire_suivi", request=request, final=True, name=name.strip())
        followup = FollowUp(accompagnement=case, checked_on=timezone.localdate(), **figures)
        followup._history_user = None
        followup.full_clean()
        followup.save()
        StructureAnswer.objects.create(
            link=link,
            purpose=Purpose.SUIVI,
            accompagnement=case,
            followup=followup,
            answered_by=name.strip()[:200],
            answers={key: str(value) for key, value in figures.items()},
        )
        tell_officer(
            case,
            subject=f"{case.structure} a répondu au questionnaire de suivi",
            text=f"{name} a répondu au questionnaire de suivi : un point de suivi est enregistré.",
            concerns=case,
        )
    return followup


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)
