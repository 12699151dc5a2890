"""The login page's switches: the provider's button, password sign-in on or off."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso_configured(settings):
    settings.OIDC_RP_CLIENT_ID = "dla-suivi"
    # Nothing listens on the discard port: discovery fails at once, with no network.
    settings.OIDC_ISSUER = "http://127.0.0.1:9/op"
    settings.OIDC_PROVIDER_NAME = "ProConnect"


def test_without_sso_configuration_the_button_is_hidden(client):
    page = client.get("/connexion/")
    assert "Se connecter avec" not in page.text
    assert 'name="password"' in page.text
    assert client.get("/sso/connexion/").status_code == 404
    assert client.get("/sso/retour/?code=x&state=y").status_code == 404


def test_with_sso_configured_the_login_page_offers_the_provider(client, sso_configured):
    page = client.get("/connexion/?next=/structures/")
    assert 'href="/sso/connexion/?next=/structures/"' in page.text
    assert "Se connecter avec ProConnect" in page.text
    assert 'name="password"' in page.text


def test_an_unreachable_provider_leaves_password_sign_in_usable(client, sso_configured):
    response = client.get("/sso/connexion/", follow=True)
    assert response.redirect_chain == [("/connexion/", 302)]
    assert "ProConnect ne répond pas" in response.text
    assert 'name="password"' in response.text


def test_password_sign_in_can_be_switched_off(client, settings, personas, sso_configured):
    settings.PASSWORD_LOGIN_ENABLED = False
    page = client.get("/connexion/")
    assert 'name="password"' not in page.text
    refused = client.post(
        "/connexion/", {"username": personas.officer_a.username, "password": PASSWORD}
    )
    assert refused.status_code == 403
    assert "La connexion par mot de passe est désactivée" in refused.text
    assert "_auth_user_id" not in client.session


def test_password_sign_in_works_by_default(client, personas):
    response = client.post(
        "/connexion/", {"username": personas.officer_a.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas.officer_a.pk)


def test_the_refusal_page_without_a_reason_stays_general(client):
    page = client.get("/sso/refus/")
    assert page.status_code == 403
    assert "n&#x27;a pas abouti" in page.text
