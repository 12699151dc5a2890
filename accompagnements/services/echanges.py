"""Logging exchanges and managing tasks on a case.

Rules live here so that forms, imports and the API refuse the same things, with a
French message naming the field (a ``ValidationError`` keyed by field name).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from structures.models import Contact
from territoires import policy

from ..models import Accompagnement, ActeurAppui, Echange, Prestataire, Tache
from .reminders import resolve_contact_reminders, resolve_task_reminders


def _check_writable(case: Accompagnement, by: Any) -> None:
    if not case.is_writable_by(by):
        raise PermissionDenied("Vous pouvez consulter cet accompagnement mais pas le modifier.")


def dla_staff(case: Accompagnement) -> QuerySet[User]:
    """The people a task of ``case`` may be given to: active members of the case's DLA."""
    return User.objects.filter(policy.dla_members(), dla_id=case.dla_id)


def _exchange_errors(
    case: Accompagnement,
    *,
    occurred_at: datetime.datetime,
    next_step: str,
    next_step_due: datetime.date | None,
    contacts: Iterable[Contact],
    staff: Iterable[User],
    now: datetime.datetime,
) -> dict[str, str]:
    errors = {}
    if occurred_at > now:
        errors["occurred_at"] = (
            "Date et heure : un échange enregistre ce qui a eu lieu, il ne peut pas être "
            "dans le futur. Pour un rendez-vous à venir, indiquez-le en prochaine étape."
        )
    elif timezone.localtime(occurred_at).date() < case.opened_on:
        errors["occurred_at"] = (
            "Date et heure : l'échange ne peut pas précéder l'ouverture de l'accompagnement "
            f"(le {case.opened_on:%d/%m/%Y})."
        )
    if next_step_due and not next_step:
        errors["next_step"] = "Prochaine étape : décrivez l'étape qui a une échéance."
    if next_step and not next_step_due:
        errors["next_step_due"] = "Échéance de la prochaine étape : indiquez une date."
    elif next_step_due and next_step_due < timezone.localtime(occurred_at).date():
        errors["next_step_due"] = (
            "Échéance de la prochaine étape : elle ne peut pas précéder l'échange."
        )
    if any(contact.structure_id != case.structure_id for contact in contacts):
        errors["contacts"] = "Contacts : choisissez des personnes de la structure accompagnée."
    if any(member.dla_id != case.dla_id for member in staff):
        errors["staff"] = "Équipe du DLA : choisissez des membres du DLA porteur."
    return errors


def log_exchange(
    case: Accompagnement,
    *,
    by: User,
    occurred_at: datetime.datetime,
    kind: str,
    subject: str,
    summary: str = "",
    next_step: str = "",
    next_step_due: datetime.date | None = None,
    contacts: Iterable[Contact] = (),
    staff: Iterable[User] = (),
    prestataires: Iterable[Prestataire] = (),
    acteurs: Iterable[ActeurAppui] = (),
    other_participants: str = "",
) -> Echange:
    """Record an exchange; its next step becomes a task of ``by`` (or of the case's officer)."""
    _check_writable(case, by)
    contacts, staff = list(contacts), list(staff)
    next_step = next_step.strip()
    errors = _exchange_errors(
        case,
        occurred_at=occurred_at,
        next_step=next_step,
        next_step_due=next_step_due,
        contacts=contacts,
        staff=staff,
        now=timezone.now(),
    )
    if not subject.strip():
        errors["subject"] = "Objet : indiquez l'objet de l'échange."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        echange = Echange(
            accompagnement=case,
            occurred_at=occurred_at,
            kind=kind,
            subject=subject.strip(),
            summary=summary.strip(),
            next_step=next_step,
            next_step_due=next_step_due,
            other_participants=other_participants.strip(),
            created_by=by,
        )
        echange._history_user = by  # type: ignore[attr-defined]
        echange.full_clean(exclude=["accompagnement", "created_by"])
        echange.save()
        _set_participants(echange, contacts, staff, prestataires, acteurs)
        if next_step:
            _next_step_task(echange, by)
        resolve_contact_reminders(case.pk)
    return echange


def update_exchange(echange: Echange, *, by: User, **fields: Any) -> Echange:
    """Correct an exchange (kept in its history); its pending next-step task follows."""
    case = echange.accompagnement
    _check_writable(case, by)
    participants = {
        name: list(fields.pop(name))
        for name in ("contacts", "staff", "prestataires", "acteurs")
        if name in fields
    }
    for name, value in fields.items():
        setattr(echange, name, value.strip() if isinstance(value, str) else value)
    errors = _exchange_errors(
        case,
        occurred_at=echange.occurred_at,
        next_step=echange.next_step,
        next_step_due=echange.next_step_due,
        contacts=participants.get("contacts", []),
        staff=participants.get("staff", []),
        now=timezone.now(),
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        echange._history_user = by  # type: ignore[attr-defined]
        echange.full_clean(exclude=["accompagnement", "created_by"])
        echange.save()
        if participants:
            _set_participants(
                echange,
                participants.get("contacts", echange.contacts.all()),
                participants.get("staff", echange.staff.all()),
                participants.get("prestataires", echange.prestataires.all()),
                participants.get("acteurs", echange.acteurs.all()),
            )
        task = Tache.objects.filter(echange=echange).first()
        if task is None and echange.next_step:
            _next_step_task(echange, by)
        elif task is not None and not task.is_done and echange.next_step:
            # next_step comes with its due date (the echange's own validation).
            task.title, task.due_on = echange.next_step, echange.next_step_due  # type: ignore[assignment]
            task._history_user = by  # type: ignore[attr-defined]
            task.save(update_fields=["title", "due_on"])
    return echange


def _set_participants(
    echange: Echange,
    contacts: Iterable[Contact],
    staff: Iterable[User],
    prestataires: Iterable[Prestataire],
    acteurs: Iterable[ActeurAppui],
) -> None:
    echange.contacts.set(contacts)
    echange.staff.set(staff)
    echange.prestataires.set(prestataires)
    echange.acteurs.set(acteurs)


def _next_step_task(echange: Echange, by: User) -> Tache:
    case = echange.accompagnement
    assignee = by if dla_staff(case).filter(pk=by.pk).exists() else case.officer
    task = Tache(
        accompagnement=case,
        title=echange.next_step,
        due_on=echange.next_step_due,  # type: ignore[misc]
        assignee=assignee,
        echange=echange,
        created_by=by,
    )
    task._history_user = by  # type: ignore[attr-defined]
    task.save()
    return task


def _task_errors(case: Accompagnement, *, title: str, assignee: User | None) -> dict[str, str]:
    errors = {}
    if not title.strip():
        errors["title"] = "Tâche : décrivez ce qu'il y a à faire."
    if assignee is None or not dla_staff(case).filter(pk=assignee.pk).exists():
        errors["assignee"] = "Confiée à : choisissez un membre du DLA porteur de l'accompagnement."
    return errors


def add_task(
    case: Accompagnement, *, by: User, title: str, due_on: datetime.date, assignee: User
) -> Tache:
    _check_writable(case, by)
    errors = _task_errors(case, title=title, assignee=assignee)
    if errors:
        raise ValidationError(errors)
    task = Tache(
        accompagnement=case,
        title=title.strip(),
        due_on=due_on,
        assignee=assignee,
        created_by=by,
    )
    task._history_user = by  # type: ignore[attr-defined]
    task.save()
    return task


def update_task(
    task: Tache, *, by: User, title: str, due_on: datetime.date, assignee: User
) -> Tache:
    _check_writable(task.accompagnement, by)
    errors = _task_errors(task.accompagnement, title=title, assignee=assignee)
    if errors:
        raise ValidationError(errors)
    postponed = task.due_on != due_on
    task.title, task.due_on, task.assignee = title.strip(), due_on, assignee
    task._history_user = by  # type: ignore[attr-defined]
    with transaction.atomic():
        task.save(update_fields=["title", "due_on", "assignee"])
        if postponed:
            # The reminder named the old date; a new one comes if the new date passes.
            resolve_task_reminders(task.pk)
    return task


def set_task_done(task: Tache, *, by: User, done: bool) -> Tache:
    """Tick or untick a task; the row lock makes two quick clicks record one completion."""
    _check_writable(task.accompagnement, by)
    with transaction.atomic():
        locked = Tache.objects.select_for_update().get(pk=task.pk)
        if locked.is_done == done:
            return locked
        locked.done_at = timezone.now() if done else None
        locked.done_by = by if done else None
        locked._history_user = by  # type: ignore[attr-defined]
        locked.save(update_fields=["done_at", "done_by"])
        if done:
            resolve_task_reminders(locked.pk)
    return locked
