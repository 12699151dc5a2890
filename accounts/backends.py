"""Password sign-in: Django's ModelBackend, the signed-in person read with their DLA.

The access policy (``territoires.policy``) reads the person's DLA, or funding body, on
every page: loaded with the person, that is one query a page instead of two. Apps above
add what every page of theirs shows about the person (``SIGNED_IN_ANNOTATIONS``: the
menu's count of unread reminders), read in that same query.
"""

import functools
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Expression, QuerySet

SIGNED_IN_RELATIONS = ("dla", "financeur")
# Attribute name → expression over the person's row, registered by an app's ready(). Built
# once per process (``_signed_in``): an expression must not depend on the moment.
SIGNED_IN_ANNOTATIONS: dict[str, Callable[[], Expression]] = {}


@functools.cache
def _signed_in() -> QuerySet:
    """The people with their relations and annotations, built on the first page (after
    every app's ready()) and copied by each page's ``get``: building the annotations'
    subqueries again on every page cost as much as the rest of the query (~1 ms)."""
    annotations = {name: build() for name, build in SIGNED_IN_ANNOTATIONS.items()}
    model = get_user_model()
    return model._default_manager.select_related(*SIGNED_IN_RELATIONS).annotate(**annotations)


def signed_in_user(user_id):
    """The person a session names, with what the access policy reads and the apps'
    annotations; ``None`` if gone."""
    queryset = _signed_in()
    try:
        return queryset.get(pk=user_id)
    except queryset.model.DoesNotExist:
        return None


class PasswordBackend(ModelBackend):
    def get_user(self, user_id):
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
