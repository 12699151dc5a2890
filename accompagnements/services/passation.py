"""Handing a case over: reassign within the DLA, transfer to another DLA (accept / refuse).

Nothing is lost: exchanges, documents, tasks and the journal stay on the case;
pending tasks held by people who no longer work on it go to the new officer.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from territoires import policy
from territoires.models import Dla

from ..models import Accompagnement, Tache
from ..models.passation import Passation, PassationKind, PassationStatus
from .echanges import dla_staff


def _locked_open_case(case: Accompagnement, by: User) -> Accompagnement:
    if not case.is_writable_by(by):
        raise PermissionDenied("Vous pouvez consulter cet accompagnement mais pas le modifier.")
    locked = Accompagnement.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError("Cet accompagnement est terminé : rouvrez-le avant de le confier.")
    return locked


def _hand_pending_tasks(case: Accompagnement, to: User) -> None:
    """Pending tasks of people outside the case's DLA go to its new officer."""
    staff = dla_staff(case).values("pk")
    Tache.objects.filter(accompagnement=case, done_at__isnull=True).exclude(
        assignee__in=staff
    ).update(assignee=to)


def reassign(case: Accompagnement, *, to: User, by: User, reason: str = "") -> Passation:
    """Give the case to another member of its DLA, at once; journaled."""
    with transaction.atomic():
        locked = _locked_open_case(case, by)
        if to is None or not dla_staff(locked).filter(pk=to.pk).exists():
            raise ValidationError(
                {"to_officer": "Nouveau·elle chargé·e : choisissez un membre du DLA porteur."}
            )
        if to.pk == locked.officer_id:
            raise ValidationError(
                {"to_officer": "Nouveau·elle chargé·e : l'accompagnement lui est déjà confié."}
            )
        passation = Passation.objects.create(
            accompagnement=locked,
            kind=PassationKind.REASSIGN,
            status=PassationStatus.DONE,
            from_dla_id=locked.dla_id,
            to_dla_id=locked.dla_id,
            from_officer_id=locked.officer_id,
            to_officer=to,
            reason=reason.strip(),
            requested_by=by,
            decided_by=by,
            decided_at=timezone.now(),
        )
        locked.officer = to
        locked._history_user = by  # type: ignore[attr-defined]
        locked.save(update_fields=["officer"])
    return passation


def request_transfer(case: Accompagnement, *, to_dla: Dla, by: User, reason: str) -> Passation:
    """Offer the case to another DLA; it stays here until that DLA accepts."""
    with transaction.atomic():
        locked = _locked_open_case(case, by)
        errors = {}
        if to_dla is None or to_dla.pk == locked.dla_id:
            errors["to_dla"] = "DLA destinataire : choisissez un autre DLA que le DLA porteur."
        if not reason.strip():
            errors["reason"] = (
                "Motif : expliquez le transfert (la structure a déménagé, structure "
                "d'échelle régionale…)."
            )
        if errors:
            raise ValidationError(errors)
        try:
            with transaction.atomic():
                return Passation.objects.create(
                    accompagnement=locked,
                    kind=PassationKind.TRANSFER,
                    status=PassationStatus.PENDING,
                    from_dla_id=locked.dla_id,
                    to_dla=to_dla,
                    from_officer_id=locked.officer_id,
                    reason=reason.strip(),
                    requested_by=by,
                )
        except IntegrityError:
            raise ValidationError(
                {"to_dla": "Un transfert de cet accompagnement attend déjà une réponse."}
            ) from None


def _decidable(passation: Passation, by: User) -> Passation:
    if not policy.may_decide_transfer(by, passation.to_dla_id):
        raise PermissionDenied("Seul le DLA destinataire répond à une demande de transfert.")
    locked = Passation.objects.select_for_update().get(pk=passation.pk)
    if locked.status != PassationStatus.PENDING:
        raise ValidationError("Cette demande de transfert a déjà reçu une réponse.")
    return locked


def accept_transfer(passation: Passation, *, by: User, officer: User | None = None) -> Passation:
    """The receiving DLA takes the case; ``officer`` (default: ``by``) becomes its officer."""
    officer = officer or by
    with transaction.atomic():
        locked = _decidable(passation, by)
        case = Accompagnement.objects.select_for_update().get(pk=locked.accompagnement_id)
        if case.dla_id != locked.from_dla_id or not case.is_open:
            raise ValidationError("L'accompagnement a changé depuis la demande : elle est caduque.")
        if policy.member_dla_id(officer) != locked.to_dla_id:
            raise ValidationError(
                {"to_officer": "Chargé·e : choisissez un membre du DLA qui reçoit le dossier."}
            )
        case.dla_id, case.officer = locked.to_dla_id, officer
        case._history_user = by  # type: ignore[attr-defined]
        case.save(update_fields=["dla", "officer"])
        _hand_pending_tasks(case, officer)
        locked.status = PassationStatus.ACCEPTED
        locked.to_officer = officer
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.save(update_fields=["status", "to_officer", "decided_by", "decided_at"])
    return locked


def refuse_transfer(passation: Passation, *, by: User, comment: str) -> Passation:
    if not comment.strip():
        raise ValidationError({"decision_comment": "Réponse : expliquez le refus."})
    with transaction.atomic():
        locked = _decidable(passation, by)
        locked.status = PassationStatus.REFUSED
        locked.decision_comment = comment.strip()
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.save(update_fields=["status", "decision_comment", "decided_by", "decided_at"])
    return locked
