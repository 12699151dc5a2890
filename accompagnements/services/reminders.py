"""A person's reminders: reading them, the weekly digest subscription."""

from django.utils import timezone

from accounts.models import User

from ..models import DigestSubscription, Notification


def mark_notifications_read(user: User) -> int:
    """Mark every unread reminder of ``user`` as read; return how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def set_digest_subscription(user: User, *, subscribed: bool) -> None:
    if subscribed:
        DigestSubscription.objects.get_or_create(user=user)
    else:
        DigestSubscription.objects.filter(user=user).delete()
