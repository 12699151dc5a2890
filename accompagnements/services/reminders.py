"""A person's reminders: reading them, resolving them.

A reminder stays true: the service that removes its cause resolves it in the same
transaction (``advance`` when the case leaves its phase or ends, ``complete_task`` when
the task is done, ``save_echange`` when a contact is logged). Resolved reminders are
neither listed as current nor counted.
"""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User

from ..models import Notification, NotificationKind
from ..models.notifications import PHASE_BOUND_KINDS

# The signed-in person's attribute holding the count (accounts.backends).
UNREAD = "unread_reminders"


def unread_expression() -> Coalesce:
    """The count of ``unread_count`` for the person of the outer row."""
    counted = (
        Notification.objects.unread()
        .filter(recipient=OuterRef("pk"))
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def unread_count(user: User) -> int:
    """The menu's badge: read with the signed-in person when it was (``UNREAD``, at the
    start of the request), else one query."""
    known = getattr(user, UNREAD, None)
    if known is not None:
        return known
    return Notification.objects.unread().filter(recipient=user).count()


def mark_notifications_read(user: User) -> int:
    """Mark every unread reminder of ``user`` as read; return how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def open_notification(notification: Notification) -> Notification:
    """The recipient opened the reminder: it is read (once; the first time is kept)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def _resolve(filters: Q) -> int:
    return Notification.objects.filter(filters, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )


def resolve_after_transition(case_id: int, *, ended: bool) -> int:
    """The case left its phase: reminders about that stay are gone; all of them if it ended."""
    if ended:
        return _resolve(Q(accompagnement_id=case_id))
    return _resolve(Q(accompagnement_id=case_id, kind__in=PHASE_BOUND_KINDS))


def resolve_task_reminders(task_id: int) -> int:
    """A task done: its "tâche en retard" reminders (every due date it had) are gone."""
    return _resolve(Q(kind=NotificationKind.TASK_OVERDUE, key__startswith=f"task:{task_id}:"))


def resolve_contact_reminders(case_id: int) -> int:
    """A contact logged: "pas de contact depuis longtemps" is gone once the case no longer
    lacks a recent contact (the same rule as the reminder job's)."""
    from ..models import Accompagnement
    from ..models.echanges import without_recent_contact

    if without_recent_contact(Accompagnement.objects.filter(pk=case_id)).exists():
        return 0
    return _resolve(Q(accompagnement_id=case_id, kind=NotificationKind.NO_CONTACT))
