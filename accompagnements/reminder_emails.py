"""Reminders by email, as each person chose (messagerie preferences): at once or daily.

The reminders themselves are in-app notifications (tasks.send_reminders and
notify_transition create them); these tasks email the ones not emailed yet to the
people who asked, one email per person and run. ``emailed_at`` claims them, so a
second run sends nothing twice.
"""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from messagerie.models import Preference, ReminderFrequency
from messagerie.services import queue_message
from territoires.collation import french_order

from .models import Notification


def email_pending_reminders(frequency: str) -> int:
    """One email per person with this preference and unread, unemailed reminders."""
    people = User.objects.filter(
        pk__in=Preference.objects.filter(reminders=frequency).values("user_id"),
        is_active=True,
    ).exclude(email="")
    sent = 0
    for user in people:
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update()
                .filter(recipient=user, read_at__isnull=True, emailed_at__isnull=True)
                .select_related("accompagnement__structure")
                .order_by(*french_order("accompagnement__structure__name", "kind", "pk"))
            )
            if not pending:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
                emailed_at=timezone.now()
            )
            queue_message(
                template="accompagnements/email/rappels",
                to_email=user.email,
                to_name=str(user),
                subject=(
                    "DLA Suivi : vos rappels du jour"
                    if frequency == ReminderFrequency.DAILY
                    else "DLA Suivi : nouveau rappel"
                ),
                context={"user": user, "notifications": pending},
                concerns=user,
            )
            sent += 1
    return sent


@shared_task(acks_late=True)
def email_immediate_reminders() -> int:
    """Every few minutes: reminders for people who want them as soon as they arrive."""
    return email_pending_reminders(ReminderFrequency.IMMEDIATE)


@shared_task(acks_late=True)
def email_daily_reminders() -> int:
    """Every morning: one recap for people who chose a daily digest."""
    return email_pending_reminders(ReminderFrequency.DAILY)
