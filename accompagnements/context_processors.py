"""The menu's count of unread reminders (one query, for people who work cases)."""

from territoires import policy
from webinput.reverse import reverse_fixed

from .services.reminders import unread_count


def reminders(request):
    user = getattr(request, "user", None)
    if user is None or not policy.works_cases(user):
        return {}
    # A page may render several templates with the request's context (a table through
    # django-tables2): the count is read once per request.
    if not hasattr(request, "_unread_reminders"):
        request._unread_reminders = unread_count(user)
    return {
        "unread_reminders": request._unread_reminders,
        "reminders_url": reverse_fixed("accompagnements:notifications"),
    }
