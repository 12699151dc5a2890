"""Password sign-in: Django's ModelBackend, the signed-in person read with their DLA.

The access policy (``territoires.policy``) reads the person's DLA, or funding body, on
every page: loaded with the person, that is one query a page instead of two. Apps above
add what every page of theirs shows about the person (``SIGNED_IN_ANNOTATIONS``: the
menu's count of unread reminders), read in that same query.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Expression

SIGNED_IN_RELATIONS = ("dla", "financeur")
# Attribute name → expression over the person's row, registered by an app's ready().
SIGNED_IN_ANNOTATIONS: dict[str, Callable[[], Expression]] = {}


def signed_in_user(user_id):
    """The person a session names, with what the access policy reads and the apps'
    annotations; ``None`` if gone."""
    model = get_user_model()
    annotations = {name: build() for name, build in SIGNED_IN_ANNOTATIONS.items()}
    queryset = model._default_manager.select_related(*SIGNED_IN_RELATIONS)
    try:
        return queryset.annotate(**annotations).get(pk=user_id)
    except model.DoesNotExist:
        return None


class PasswordBackend(ModelBackend):
    def get_user(self, user_id):
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
