"""A real OpenID Connect provider for the SSO tests: django-oauth-toolkit in OIDC mode.

It runs in the live server beside the application, under /op/, and is reached on another
host name (127.0.0.1 instead of localhost) so that the browser keeps two separate
sessions, as with a real provider. Its accounts are users named ``op-…``: the claims it
asserts for them come from ``CLAIMS``, set by each test.
"""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import include, path
from oauth2_provider import urls as dot_urls
from oauth2_provider.oauth2_validators import OAuth2Validator

from dla_suivi.urls import urlpatterns as project_urlpatterns

# username of an account at the provider → the claims the provider asserts for it.
CLAIMS: dict[str, dict] = {}


class Validator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "role": "email"}

    def get_additional_claims(self, request):
        return CLAIMS.get(request.user.username, {})


def rsa_private_key_pem() -> str:
    """A fresh RS256 signing key for the provider, made by the test."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


provider_patterns = [*dot_urls.base_urlpatterns, *dot_urls.oidc_urlpatterns]
for pattern in provider_patterns:
    # The provider's own endpoints are public (authorize asks for a sign-in itself).
    pattern.callback.login_required = False

urlpatterns = [
    *project_urlpatterns,
    path("op/", include((provider_patterns, "oauth2_provider"))),
]
