"""The menu's count of unread reminders (one query, for people who work cases)."""

from django.urls import reverse

from territoires import policy

from .services.reminders import unread_count


def reminders(request):
    user = getattr(request, "user", None)
    if user is None or not policy.works_cases(user):
        return {}
    return {
        "unread_reminders": unread_count(user),
        "reminders_url": reverse("accompagnements:notifications"),
    }
