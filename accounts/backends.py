"""Password sign-in: Django's ModelBackend, the signed-in person read with their DLA.

The access policy (``territoires.policy``) reads the person's DLA, or funding body, on
every page: loaded with the person, that is one query a page instead of two.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

SIGNED_IN_RELATIONS = ("dla", "financeur")


def signed_in_user(user_id):
    """The person a session names, with what the access policy reads; ``None`` if gone."""
    model = get_user_model()
    try:
        return model._default_manager.select_related(*SIGNED_IN_RELATIONS).get(pk=user_id)
    except model.DoesNotExist:
        return None


class PasswordBackend(ModelBackend):
    def get_user(self, user_id):
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
