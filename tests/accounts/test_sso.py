"""Signing in through a real OpenID Connect provider started by the test.

The provider is django-oauth-toolkit in OIDC mode (tests/accounts/oidc_provider.py),
served by the live server on the host name 127.0.0.1 while the application is used on
localhost: mozilla-django-oidc makes its real HTTP calls to it (discovery, token, JWKS
with an RS256 key made here, userinfo), and logging out goes through its end_session
endpoint.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oauth2_provider.models import Application

from accounts.models import User
from tests.accounts import oidc_provider
from tests.accounts.factories import UserFactory, departmental_dla
from tests.conftest import PASSWORD

# The live server answers from other threads: committed data, reference data restored after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def sso(live_server, settings):
    app_url = live_server.url  # http://localhost:<port>
    op_url = app_url.replace("localhost", "127.0.0.1") + "/op"
    settings.ROOT_URLCONF = "tests.accounts.oidc_provider"
    settings.OAUTH2_PROVIDER = {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": oidc_provider.rsa_private_key_pem(),
        "OIDC_ISS_ENDPOINT": op_url,
        "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
        "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
        "OAUTH2_VALIDATOR_CLASS": "tests.accounts.oidc_provider.Validator",
        "PKCE_REQUIRED": True,
        "SCOPES": {"openid": "OpenID Connect", "email": "adresse électronique"},
    }
    settings.OIDC_RP_CLIENT_ID = "dla-suivi"
    settings.OIDC_RP_CLIENT_SECRET = "secret-de-test"
    settings.OIDC_ISSUER = op_url
    settings.OIDC_PROVIDER_NAME = "Fournisseur de test"
    owner = UserFactory(username="op-admin", email="")
    Application.objects.create(
        name="DLA Suivi",
        client_id="dla-suivi",
        client_secret="secret-de-test",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"{app_url}/sso/retour/",
        post_logout_redirect_uris=f"{app_url}/connexion/",
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
        user=owner,
    )
    oidc_provider.CLAIMS.clear()
    flow = Flow(app_url, op_url)
    yield flow
    # Closing the browser's connections ends the live server's threads now, while their
    # shared database connection is still allowed across threads.
    flow.browser.close()
    oidc_provider.CLAIMS.clear()


class Flow:
    """A browser: one cookie jar, two sites (the application and the provider)."""

    def __init__(self, app_url, op_url):
        self.app, self.op = app_url, op_url
        self.browser = requests.Session()

    def sign_in_at_provider(self, username, claims):
        """The person's account at the provider, and their session there."""
        UserFactory(username=username, email="")
        oidc_provider.CLAIMS[username] = claims
        login = self.op.removesuffix("/op") + "/connexion/"
        page = self.browser.get(login, timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        done = self.browser.post(
            login,
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": login},
            allow_redirects=False,
            timeout=10,
        )
        assert done.status_code == 302, done.text[:500]

    def sign_in_at_application(self):
        """Click the provider's button, let the provider send the person back."""
        start = self.browser.get(f"{self.app}/sso/connexion/", allow_redirects=False, timeout=10)
        assert start.status_code == 302
        assert start.headers["Location"].startswith(f"{self.op}/authorize/?")
        back = self.browser.get(start.headers["Location"], allow_redirects=False, timeout=10)
        assert back.status_code == 302, back.text[:500]
        assert back.headers["Location"].startswith(f"{self.app}/sso/retour/?code=")
        return self.browser.get(back.headers["Location"], allow_redirects=False, timeout=30)

    def home(self):
        return self.browser.get(f"{self.app}/", allow_redirects=False, timeout=10)


def test_an_officer_signs_in_through_the_provider_and_out_of_both(sso):
    alice = UserFactory(
        username="alice", email="Alice.Martin@example.org", dla=departmental_dla("35")
    )
    # The provider asserts a verified email (any case) and, say, a role: only the email counts.
    sso.sign_in_at_provider(
        "op-alice",
        {"email": "alice.martin@example.org", "email_verified": True, "role": "national"},
    )
    callback = sso.sign_in_at_application()
    assert callback.status_code == 302
    assert callback.headers["Location"] == "/"
    home = sso.home()
    assert home.status_code == 200
    assert str(alice) in home.text
    alice.refresh_from_db()
    assert (alice.role, alice.dla.departement.code) == ("officer", "35")

    # Logging out ends the application's session and sends the browser to the provider's
    # end_session endpoint, which ends the provider's session and comes back.
    csrf = sso.browser.cookies.get("csrftoken", domain="localhost.local")
    out = sso.browser.post(
        f"{sso.app}/deconnexion/",
        headers={"X-CSRFToken": csrf, "Referer": f"{sso.app}/"},
        allow_redirects=False,
        timeout=10,
    )
    assert out.status_code == 302
    end_session = urlsplit(out.headers["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == f"{sso.op}/logout/"
    params = parse_qs(end_session.query)
    assert params["post_logout_redirect_uri"] == [f"{sso.app}/connexion/"]
    assert params["id_token_hint"][0].count(".") == 2
    back = sso.browser.get(out.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    assert back.headers["Location"].startswith(f"{sso.app}/connexion/")
    assert sso.home().status_code == 302
    provider_home = sso.browser.get(
        sso.op.removesuffix("/op") + "/", allow_redirects=False, timeout=10
    )
    assert provider_home.status_code == 302, "the provider's session is over too"


def test_an_unknown_email_is_refused_with_a_clear_page_and_no_account(sso):
    sso.sign_in_at_provider("op-inconnue", {"email": "inconnue@exemple.fr", "email_verified": True})
    callback = sso.sign_in_at_application()
    assert callback.status_code == 302
    assert callback.headers["Location"] == "/sso/refus/"
    page = sso.browser.get(f"{sso.app}/sso/refus/", timeout=10)
    assert page.status_code == 403
    assert (
        "Aucun compte DLA Suivi n&#x27;est ouvert à l&#x27;adresse inconnue@exemple.fr" in page.text
    )
    assert "attribue le rôle et le DLA" in page.text
    assert sso.home().status_code == 302
    assert not User.objects.filter(email__iexact="inconnue@exemple.fr").exists()


def test_an_unverified_email_is_refused(sso):
    UserFactory(username="bob", email="bob@example.org", dla=departmental_dla("29"))
    sso.sign_in_at_provider("op-bob", {"email": "bob@example.org", "email_verified": False})
    assert sso.sign_in_at_application().headers["Location"] == "/sso/refus/"
    page = sso.browser.get(f"{sso.app}/sso/refus/", timeout=10)
    assert "n&#x27;a pas confirmé que l&#x27;adresse bob@example.org vous appartient" in page.text
    assert sso.home().status_code == 302
