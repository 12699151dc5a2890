"""Consultation of prestataires for an ingénierie (DOMAIN.md, phase 4).

The DLA preselects 3–4 referenced consultants and sends the cahier des charges
with a reply deadline; each answers through their link (declines, or sends a PDF
proposal with days, daily rate and total) before the deadline; the structure
scores the proposals on the /70 grid and gives its preference; the DLA decides,
taking that choice into account, with a reason; every candidate is told; the PV
records the grid, the preference and the decision.
"""

import datetime
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accompagnements.models import (
    Accompagnement,
    Ingenierie,
    IngenierieStatus,
    Prestataire,
    Proposal,
)
from dossiers.models import DocumentKind, Source
from dossiers.services.documents import add_document, max_upload_bytes
from liens.models import Purpose, SecureLink
from liens.services import act
from messagerie.services import queue_message
from territoires.actors import SYSTEM
from uploads import check_upload

from ..models import Consultation, Invitation, InvitationStatus
from .common import Refused, send_link, tell_officer

# The structure's grid: (code, criterion, points). Our design, summing to the /70 of
# the network's practice (DOMAIN.md).
GRID = (
    ("comprehension", "Compréhension de la demande et du contexte de la structure", 15),
    ("methode", "Méthode et démarche proposées", 20),
    ("competences", "Compétences et références de l'intervenant·e", 15),
    ("moyens", "Calendrier et nombre de jours adaptés", 10),
    ("prix", "Coût de la proposition", 10),
)
GRID_TOTAL = sum(points for _, _, points in GRID)
MIN_CONSULTED, MAX_CONSULTED = 3, 4


def candidates(ingenierie: Ingenierie) -> QuerySet[Prestataire]:
    """Referenced consultants of the ingénierie's region who can receive an email."""
    from .register import register

    return (
        register(SYSTEM)
        .filter(region_id=ingenierie.dla.region_id, is_active=True)
        .exclude(email="")
    )


def start_consultation(
    ingenierie: Ingenierie,
    *,
    prestataires: list[Prestataire],
    deadline: datetime.date,
    by: Any,
) -> Consultation:
    """Send the cahier des charges to each consultant, with their own link."""
    if hasattr(ingenierie, "consultation"):
        raise Refused("Une consultation a déjà été envoyée pour cette ingénierie.")
    if not ingenierie.terms_of_reference.strip():
        raise Refused("Cahier des charges : rédigez-le dans l'ingénierie avant de consulter.")
    if not MIN_CONSULTED <= len(prestataires) <= MAX_CONSULTED:
        raise Refused(
            f"Prestataires : choisissez de {MIN_CONSULTED} à {MAX_CONSULTED} prestataires "
            f"({len(prestataires)} choisi·s)."
        )
    allowed = set(candidates(ingenierie).values_list("pk", flat=True))
    if any(p.pk not in allowed for p in prestataires):
        raise Refused(
            "Prestataires : chacun doit être référencé dans la région et avoir un courriel."
        )
    if deadline <= timezone.localdate():
        raise Refused("Date limite de réponse : choisissez une date à venir.")
    # Answers are taken until the end of the deadline day, Paris time.
    closes = timezone.make_aware(datetime.datetime.combine(deadline, datetime.time(23, 59, 59)))
    with transaction.atomic():
        locked = Ingenierie.objects.select_for_update().get(pk=ingenierie.pk)
        if Consultation.objects.filter(ingenierie=locked).exists():
            raise Refused("Une consultation a déjà été envoyée pour cette ingénierie.")
        consultation = Consultation.objects.create(
            ingenierie=locked, deadline=closes, terms=locked.terms_of_reference, sent_by=by
        )
        for prestataire in prestataires:
            invitation = Invitation.objects.create(
                consultation=consultation, prestataire=prestataire
            )
            send_link(
                purpose=Purpose.CONSULTATION,
                target=invitation,
                name=prestataire.contact_name or prestataire.name,
                email=prestataire.email,
                by=by,
                context={
                    "ingenierie": locked,
                    "consultation": consultation,
                    "prestataire": prestataire,
                },
                concerns=locked,
                expires_at=closes + datetime.timedelta(days=1),
            )
        locked.status = IngenierieStatus.CONSULTATION
        locked.consultation_sent_on = timezone.localdate()
        locked._history_user = by
        locked.save(update_fields=["status", "consultation_sent_on"])
    return consultation


def _invitation(link: SecureLink) -> Invitation:
    return Invitation.objects.select_related("consultation__ingenierie__dla", "prestataire").get(
        pk=link.object_id
    )


def _check_open(invitation: Invitation) -> None:
    if not invitation.consultation.is_open:
        raise Refused(
            "La date limite de réponse est passée "
            f"({timezone.localtime(invitation.consultation.deadline):%d/%m/%Y à %H:%M}) : "
            "votre réponse ne peut plus être reçue."
        )
    if invitation.status != InvitationStatus.INVITED:
        raise Refused("Vous avez déjà répondu à cette consultation.")


def decline(link: SecureLink, *, request, name: str, reason: str) -> Invitation:
    invitation = _invitation(link)
    _check_open(invitation)
    with transaction.atomic():
        act(
            link,
            "declin",
            request=request,
            final=True,
            name=name.strip(),
            details={"motif": reason},
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            status=InvitationStatus.DECLINED,
            answered_at=timezone.now(),
            answered_by=name.strip()[:200],
            decline_reason=reason.strip(),
        )
    invitation.refresh_from_db()
    return invitation


def submit_proposal(
    link: SecureLink,
    *,
    request,
    name: str,
    upload: IO[bytes],
    days: Decimal,
    daily_rate: Decimal,
    total: Decimal,
) -> Invitation:
    """A PDF proposal with days, daily rate and total, before the deadline."""
    invitation = _invitation(link)
    _check_open(invitation)
    if days <= 0:
        raise Refused("Nombre de jours : indiquez un nombre de jours positif.")
    if daily_rate <= 0 or total <= 0:
        raise Refused("Tarif journalier et total : indiquez des montants positifs.")
    if check_upload(upload, max_bytes=max_upload_bytes()).kind.code != "pdf":
        raise Refused("Proposition (PDF) : envoyez votre proposition au format PDF.")
    ingenierie = invitation.consultation.ingenierie
    with transaction.atomic():
        act(
            link,
            "proposition",
            request=request,
            final=True,
            name=name.strip(),
            details={"jours": str(days), "tarif_journalier": str(daily_rate), "total": str(total)},
        )
        document = add_document(
            upload=upload,
            kind=DocumentKind.PROPOSITION,
            by=None,
            ingenierie=ingenierie,
            title=f"Proposition de {invitation.prestataire}",
            source=Source.PRESTATAIRE,
        )
        proposal, _ = Proposal.objects.update_or_create(
            ingenierie=ingenierie,
            prestataire=invitation.prestataire,
            defaults={"received_on": timezone.localdate(), "days": days, "price": total},
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            status=InvitationStatus.PROPOSED,
            answered_at=timezone.now(),
            answered_by=name.strip()[:200],
            daily_rate=daily_rate,
            proposal=proposal,
            document=document,
        )
    invitation.refresh_from_db()
    return invitation


def received_proposals(consultation: Consultation) -> list[Proposal]:
    return [
        inv.proposal
        for inv in consultation.invitations.select_related("proposal__prestataire", "document")
        if inv.status == InvitationStatus.PROPOSED and inv.proposal is not None
    ]


def send_for_scoring(
    consultation: Consultation, case: Accompagnement, *, name: str, email: str, by: Any
) -> SecureLink:
    """After the deadline, the structure scores the proposals through its link."""
    if consultation.is_open:
        raise Refused("Les propositions se notent après la date limite de réponse.")
    if not received_proposals(consultation):
        raise Refused("Aucune proposition n'a été reçue : il n'y a rien à noter.")
    if consultation.evaluated_at:
        raise Refused("La structure a déjà noté les propositions.")
    return send_link(
        purpose=Purpose.EVALUATION,
        target=consultation,
        name=name,
        email=email,
        by=by,
        context={"ingenierie": consultation.ingenierie, "case": case, "structure": case.structure},
        concerns=consultation.ingenierie,
    )


def score(
    link: SecureLink,
    *,
    request,
    name: str,
    scores: dict[int, dict[str, int]],
    preferred: int,
    comment: str,
) -> Consultation:
    """The structure's grid and preference; each proposal's score is the grid's total."""
    consultation = Consultation.objects.select_related("ingenierie").get(pk=link.object_id)
    proposals = {p.pk: p for p in received_proposals(consultation)}
    if set(scores) != set(proposals) or preferred not in proposals:
        raise Refused("Notes : chaque proposition reçue doit être notée, et une seule préférée.")
    for grid in scores.values():
        for code, label, points in GRID:
            value = grid.get(code)
            if value is None or not 0 <= value <= points:
                raise Refused(f"{label} : une note entre 0 et {points} est attendue.")
    with transaction.atomic():
        act(
            link,
            "notation",
            request=request,
            final=True,
            name=name.strip(),
            details={"notes": {str(k): v for k, v in scores.items()}, "preference": preferred},
        )
        for pk, grid in scores.items():
            Proposal.objects.filter(pk=pk).update(
                score=sum(grid.values()), max_score=GRID_TOTAL, comment=comment.strip()
            )
        Consultation.objects.filter(pk=consultation.pk).update(
            scores={str(k): v for k, v in scores.items()},
            preferred_id=preferred,
            preference_comment=comment.strip(),
            evaluated_by=name.strip()[:200],
            evaluated_at=timezone.now(),
        )
        case = consultation.ingenierie.accompagnements.select_related(
            "officer", "structure"
        ).first()
        if case is not None:
            tell_officer(
                case,
                subject=f"{case.structure} a noté les propositions",
                text=f"{name} a noté les propositions pour « {consultation.ingenierie} ».",
                concerns=consultation.ingenierie,
            )
    consultation.refresh_from_db()
    return consultation


def select(consultation: Consultation, proposal: Proposal, *, reason: str, by: Any) -> Ingenierie:
    """The DLA's decision with its reason; every candidate is told by email."""
    reason = reason.strip()
    if consultation.is_open:
        raise Refused("La sélection se fait après la date limite de réponse.")
    if consultation.decided_at:
        raise Refused("Le prestataire est déjà choisi pour cette consultation.")
    if proposal.pk not in {p.pk for p in received_proposals(consultation)}:
        raise Refused("Prestataire retenu : choisissez une proposition reçue.")
    if not reason:
        raise Refused("Motif : expliquez le choix (en particulier s'il diffère de la structure).")
    invitations = list(
        consultation.invitations.select_related("prestataire", "proposal").filter(
            status=InvitationStatus.PROPOSED
        )
    )
    with transaction.atomic():
        ingenierie = Ingenierie.objects.select_for_update().get(pk=consultation.ingenierie_id)
        daily_rate = next(i.daily_rate for i in invitations if i.proposal_id == proposal.pk)
        ingenierie.selected_prestataire_id = proposal.prestataire_id
        ingenierie.selection_on = timezone.localdate()
        ingenierie.days = proposal.days
        ingenierie.daily_rate = daily_rate
        ingenierie.cost = proposal.price
        ingenierie.status = IngenierieStatus.ATTRIBUEE
        ingenierie.selection_report = selection_report_text(consultation, proposal, reason)
        ingenierie._history_user = by
        ingenierie.save()
        Consultation.objects.filter(pk=consultation.pk).update(
            decided_at=timezone.now(), decided_by=by, decision_reason=reason
        )
        for invitation in invitations:
            chosen = invitation.proposal_id == proposal.pk
            queue_message(
                template="espace/email/resultat",
                to_email=invitation.prestataire.email,
                to_name=invitation.prestataire.contact_name or invitation.prestataire.name,
                subject=f"Consultation DLA « {ingenierie} » : "
                + ("votre proposition est retenue" if chosen else "résultat"),
                context={"ingenierie": ingenierie, "chosen": chosen, "dla": ingenierie.dla},
                concerns=ingenierie,
                by=by,
            )
            Proposal.objects.filter(pk=invitation.proposal_id).update(informed=True)
    consultation.refresh_from_db()
    return ingenierie


def selection_report_text(consultation: Consultation, chosen: Proposal, reason: str) -> str:
    """The PV's text, frozen on the ingénierie: consulted, answers, grid, preference, decision."""
    lines = [
        f"Procès-verbal de sélection – {consultation.ingenierie}",
        f"Consultation envoyée le {timezone.localtime(consultation.sent_at):%d/%m/%Y}, "
        f"date limite {timezone.localtime(consultation.deadline):%d/%m/%Y}.",
        "",
        "Prestataires consultés :",
    ]
    for invitation in consultation.invitations.select_related("prestataire", "proposal"):
        line = f"- {invitation.prestataire} : {invitation.get_status_display()}"
        if invitation.proposal_id:
            proposal = invitation.proposal
            line += (
                f" ; {proposal.days} j × {invitation.daily_rate} € = {proposal.price} € ; "
                f"note de la structure : {proposal.score if proposal.score is not None else '—'}"
                f"/{GRID_TOTAL}"
            )
        lines.append(line)
    preferred = consultation.preferred
    lines += [
        "",
        "Préférence de la structure : "
        + (
            f"{preferred.prestataire} ({consultation.evaluated_by})"
            if preferred
            else "non exprimée"
        ),
        f"Décision du DLA : {chosen.prestataire}.",
        f"Motif : {reason}",
    ]
    return "\n".join(lines)
