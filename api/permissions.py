from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOnlyForSignedIn(BasePermission):
    """The API only reads (tokens have the read-only scope); what is read is decided by
    each model's ``visible_to(user)``, and capabilities by ``territoires.policy``."""

    message = "Authentification requise."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated and request.user.is_active):
            return False
        if request.method not in SAFE_METHODS:
            self.message = "L'API est en lecture seule."
            return False
        return True
