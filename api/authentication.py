"""``Authorization: Bearer dla_…``: a personal token acts as its holder, read-only."""

from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import ApiToken
from .services import matches, split

INVALID = "Jeton invalide, expiré ou révoqué."


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "En-tête Authorization mal formé : « Bearer <jeton> » attendu."
            )
        try:
            raw = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        parts = split(raw)
        if parts is None:
            raise exceptions.AuthenticationFailed(INVALID)
        # The holder's DLA comes along: every visible_to() of the request needs it.
        token = (
            ApiToken.objects.usable(timezone.now())
            .select_related("user__dla")
            .filter(prefix=parts[0])
            .first()
        )
        if token is None or not matches(token, raw) or not token.user.is_active:
            raise exceptions.AuthenticationFailed(INVALID)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
