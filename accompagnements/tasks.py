"""Reminders. Tasks take primary keys and are idempotent: re-running creates nothing twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from territoires.actors import SYSTEM

from .models import (
    Accompagnement,
    Notification,
    NotificationKind,
    Tache,
    TransitionLog,
)
from .models.case import AccompagnementQuerySet
from .models.echanges import last_contact_or_opening, without_recent_contact

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


def _stint_key(case) -> str:
    # One reminder per stay in a phase: a case that leaves and comes back gets a new one.
    return f"{case.state}:{case.state_entered_at:%Y%m%dT%H%M%S}"


@shared_task(acks_late=True, **RETRY)
def notify_transition(log_id: int) -> None:
    """Tell the case's officer when someone else moved their case."""
    log = TransitionLog.objects.select_related("accompagnement__structure").get(pk=log_id)
    case = log.accompagnement
    if log.user_id == case.officer_id:
        return
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=case.officer_id,
                accompagnement=case,
                kind=NotificationKind.TRANSITION,
                key=f"log:{log.pk}",
                message=(
                    f"{log.user} a fait passer l'accompagnement de {case.structure} "
                    f"en phase « {log.get_to_state_display()} »."
                )[:300],
            )
        ],
        ignore_conflicts=True,
    )


@shared_task(acks_late=True, **RETRY)
def send_reminders() -> int:
    """Daily: flag cases overdue in their phase and follow-ups due. Returns rows created."""
    now = timezone.now()
    # The task runs for nobody: it reads every case as the system actor.
    cases = Accompagnement.objects.visible_to(SYSTEM)
    notifications = []
    overdue = cases.overdue(now).select_related("structure")
    for case in overdue.iterator():
        notifications.append(
            Notification(
                recipient_id=case.officer_id,
                accompagnement=case,
                kind=NotificationKind.PHASE_OVERDUE,
                key=_stint_key(case),
                message=(
                    f"{case.structure} est en phase « {case.get_state_display()} » depuis "
                    f"{case.days_in_phase} jours."
                )[:300],
            )
        )
    for case in cases.followup_due(now).select_related("structure").iterator():
        notifications.append(
            Notification(
                recipient_id=case.officer_id,
                accompagnement=case,
                kind=NotificationKind.FOLLOWUP_DUE,
                key=_stint_key(case),
                message=f"Un point de suivi est à faire avec {case.structure}."[:300],
            )
        )
    notifications += _contact_and_task_reminders(cases, now)
    before = Notification.objects.count()
    # The unique constraint on (recipient, case, kind, key) turns re-runs into no-ops.
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    return Notification.objects.count() - before


def _contact_and_task_reminders(
    cases: AccompagnementQuerySet, now: datetime.datetime
) -> list[Notification]:
    """Cases without contact for longer than their phase allows; tasks past their due date.

    Keys make them once per silence (its start) and once per task and due date, so a
    postponed task is reminded again when its new date passes.
    """
    notifications = []
    quiet = without_recent_contact(cases.open(), now).select_related("structure")
    for case in quiet.iterator():
        since = last_contact_or_opening(case)
        days = (now - since).days
        notifications.append(
            Notification(
                recipient_id=case.officer_id,
                accompagnement=case,
                kind=NotificationKind.NO_CONTACT,
                key=f"contact:{since:%Y%m%dT%H%M%S}",
                message=f"Pas de contact avec {case.structure} depuis {days} jours."[:300],
            )
        )
    today = timezone.localdate(now)
    late = (
        Tache.objects.visible_to(SYSTEM).overdue(today).select_related("accompagnement__structure")
    )
    for task in late.iterator():
        notifications.append(
            Notification(
                recipient_id=task.assignee_id,
                accompagnement_id=task.accompagnement_id,
                kind=NotificationKind.TASK_OVERDUE,
                key=f"task:{task.pk}:{task.due_on:%Y%m%d}",
                message=(
                    f"Tâche en retard ({task.accompagnement.structure}) : {task}, prévue le "
                    f"{task.due_on:%d/%m/%Y}."
                )[:300],
            )
        )
    return notifications
