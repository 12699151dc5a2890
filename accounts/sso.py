"""Single sign-on with OpenID Connect (docs/sso.md), through mozilla-django-oidc.

A person signs in at the provider (ProConnect for State agents, or any OIDC
provider set by configuration) and is matched by **verified** email to an
existing, active account. Nobody is created and nothing is copied from the
provider: role and DLA are given by an administrator, never by a claim.
Endpoints come from the provider's discovery document unless set one by one.
"""

import logging
import secrets
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from .backends import signed_in_user

logger = logging.getLogger(__name__)

# mozilla-django-oidc setting → key of the provider's discovery document.
ENDPOINT_SETTINGS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_CACHE_SECONDS = 3600
REFUSAL = "sso_refusal"


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read."""


def is_enabled() -> bool:
    """SSO is on once a client id and a provider (issuer or endpoints) are configured."""
    endpoints = settings.OIDC_ENDPOINTS
    return bool(
        settings.OIDC_RP_CLIENT_ID and (settings.OIDC_ISSUER or endpoints["authorization_endpoint"])
    )


def provider_metadata() -> dict:
    """Discovered endpoints, overridden by those set one by one; cached for an hour."""
    explicit = {key: value for key, value in settings.OIDC_ENDPOINTS.items() if value}
    issuer = settings.OIDC_ISSUER.rstrip("/")
    if not issuer:
        return explicit
    key = f"sso:discovery:{issuer}"
    discovered = cache.get(key)
    if discovered is None:
        url = f"{issuer}/.well-known/openid-configuration"
        try:
            response = httpx.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            discovered = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(f"{url}: {exc}") from exc
        if str(discovered.get("issuer", "")).rstrip("/") != issuer:
            raise ProviderUnavailable(f"{url} describes issuer {discovered.get('issuer')!r}")
        cache.set(key, discovered, DISCOVERY_CACHE_SECONDS)
    return {**discovered, **explicit}


def _setting(attr: str, *default):
    if attr in ENDPOINT_SETTINGS:
        value = provider_metadata().get(ENDPOINT_SETTINGS[attr])
        if value:
            return value
        if default:
            return default[0]
        raise ImproperlyConfigured(f"The OIDC provider gives no {ENDPOINT_SETTINGS[attr]}.")
    return import_from_settings(attr, *default)


class SsoBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(_setting)

    def __init__(self, *args, **kwargs):
        # Django builds every backend for every password sign-in: no network here.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or not is_enabled() or "code" not in request.GET:
            return None
        self.OIDC_OP_TOKEN_ENDPOINT = self.get_settings("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = self.get_settings("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = self.get_settings("OIDC_OP_JWKS_ENDPOINT", None)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id):
        return signed_in_user(user_id)

    def _refuse(self, reason: str, email: str = "") -> None:
        self.request.session[REFUSAL] = {"reason": reason, "email": email}
        logger.info("SSO sign-in refused (%s) for %s", reason, email or "?")

    def verify_claims(self, claims) -> bool:
        email = claims.get("email")
        if not email:
            self._refuse("no_email")
            return False
        if claims.get("email_verified") is not True and not settings.OIDC_TRUST_EMAIL:
            self._refuse("unverified", email)
            return False
        return True

    def filter_users_by_claims(self, claims):
        email = claims.get("email", "")
        users = self.UserModel.objects.filter(email__iexact=email, is_active=True)
        count = users.count()
        if count == 0:
            self._refuse("unknown", email)
        elif count > 1:
            self._refuse("ambiguous", email)
        return users

    def update_user(self, user, claims):
        # Nothing from the provider is copied: role and DLA are set by administrators.
        self.request.session.pop(REFUSAL, None)
        return user

    def create_user(self, claims):  # pragma: no cover - OIDC_CREATE_USER is False
        raise ImproperlyConfigured("Accounts are never created by signing in.")


class SsoLoginView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(_setting)

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        if not is_enabled():
            raise Http404("La connexion unique n'est pas configurée.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable:
            logger.exception("OIDC provider unavailable")
            messages.error(
                request,
                f"{settings.OIDC_PROVIDER_NAME} ne répond pas : réessayez dans quelques "
                "minutes ou connectez-vous avec votre mot de passe.",
            )
            return redirect("login")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SsoCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(_setting)

    @property
    def failure_url(self):
        return resolve_url(self.get_settings("LOGIN_REDIRECT_URL_FAILURE", "sso_refused"))

    def get(self, request):
        if not is_enabled():
            raise Http404("La connexion unique n'est pas configurée.")
        return super().get(request)


REFUSAL_MESSAGES = {
    "unknown": "Aucun compte DLA Suivi n'est ouvert à l'adresse {email}. Les comptes sont "
    "créés par un·e administrateur·rice de DLA Suivi, qui attribue le rôle et le DLA : "
    "demandez-lui d'ouvrir le vôtre avec cette adresse.",
    "unverified": "{provider} n'a pas confirmé que l'adresse {email} vous appartient. "
    "Confirmez-la auprès de {provider}, puis réessayez.",
    "ambiguous": "Plusieurs comptes DLA Suivi portent l'adresse {email} : un·e "
    "administrateur·rice doit n'en garder qu'un.",
    "no_email": "{provider} n'a pas transmis d'adresse électronique : DLA Suivi ne peut pas "
    "retrouver votre compte.",
}
DEFAULT_REFUSAL = (
    "La connexion avec {provider} n'a pas abouti. Réessayez, ou connectez-vous avec votre "
    "mot de passe."
)


def sso_refused(request):
    """Why a sign-in through the provider was refused, in French; nothing is written."""
    refusal = request.session.get(REFUSAL) or {}
    template = REFUSAL_MESSAGES.get(refusal.get("reason", ""), DEFAULT_REFUSAL)
    message = template.format(email=refusal.get("email", ""), provider=settings.OIDC_PROVIDER_NAME)
    context = {"message": message, "password_login_enabled": settings.PASSWORD_LOGIN_ENABLED}
    return render(request, "registration/sso_refused.html", context, status=403)


def provider_logout_url(request) -> str:
    """Where logging out leads: the provider's end_session endpoint after an SSO sign-in."""
    local = resolve_url(settings.LOGOUT_REDIRECT_URL)
    id_token = request.session.get("oidc_id_token")
    if not id_token or not is_enabled():
        return local
    try:
        end_session = provider_metadata().get("end_session_endpoint")
    except ProviderUnavailable:
        logger.exception("OIDC provider unavailable at logout")
        return local
    if not end_session:
        return local
    params = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "state": secrets.token_urlsafe(16),
    }
    return f"{end_session}?{urlencode(params)}"


class LogoutView(OIDCLogoutView):
    """POST only: ends the local session, and the provider's after an SSO sign-in."""

    get_settings = staticmethod(_setting)


class LoginView(auth_views.LoginView):
    """The local password form (unless switched off) and the provider's button (if set)."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "sso_enabled": is_enabled(),
            "sso_provider_name": settings.OIDC_PROVIDER_NAME,
            "password_login_enabled": settings.PASSWORD_LOGIN_ENABLED,
        }

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN_ENABLED:
            context = self.get_context_data(form=self.get_form())
            context["password_refused"] = True
            return self.render_to_response(context, status=403)
        return super().post(request, *args, **kwargs)
