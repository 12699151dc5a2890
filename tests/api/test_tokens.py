"""Personal API tokens: created and revoked on the profile page, shown once, stored hashed."""

import datetime
import hashlib

import pytest
from django.utils import timezone

from api.models import ApiToken
from api.services import create_token, revoke_token

pytestmark = pytest.mark.django_db

CASES = "/api/v1/accompagnements/"


def test_a_token_is_shown_once_and_stored_only_as_a_hash(personas, client):
    client.force_login(personas.officer_a)
    response = client.post("/compte/jetons-api/", {"name": "Metabase", "days": "90"})
    assert response.status_code == 200
    raw = response.context["new_token"].raw
    assert raw.startswith("dla_")
    assert raw in response.text
    token = ApiToken.objects.get()
    assert token.user == personas.officer_a
    assert token.scope == "lecture"
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.prefix, token.key_hash, token.name}
    assert token.expires_at - token.created_at == datetime.timedelta(days=90)
    # Never again: the page lists the token by its prefix only.
    again = client.get("/compte/jetons-api/")
    assert raw not in again.text
    assert f"dla_{token.prefix}_…" in again.text


def test_a_token_needs_a_name_and_an_offered_lifetime(personas, client):
    client.force_login(personas.officer_a)
    response = client.post("/compte/jetons-api/", {"name": "  ", "days": "3650"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.text
    assert "Sélectionnez un choix valide" in response.text
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token_and_it_stops_working(personas, client):
    new = create_token(personas.officer_a, name="Script", days=30)
    header = {"HTTP_AUTHORIZATION": f"Bearer {new.raw}"}
    assert client.get(CASES, **header).status_code == 200
    client.force_login(personas.officer_a)
    response = client.post("/compte/jetons-api/revoquer/", {"token": new.token.pk}, follow=True)
    assert "Le jeton « Script » est révoqué." in response.text
    client.logout()
    refused = client.get(CASES, **header)
    assert refused.status_code == 401
    assert refused.json() == {
        "detail": "Jeton invalide, expiré ou révoqué.",
        "code": "authentication_failed",
    }


def test_someone_elses_token_cannot_be_revoked(personas, client):
    new = create_token(personas.officer_b, name="Le jeton de Bob", days=30)
    client.force_login(personas.officer_a)
    response = client.post("/compte/jetons-api/revoquer/", {"token": new.token.pk}, follow=True)
    assert "Ce jeton n&#x27;existe pas." in response.text
    assert ApiToken.objects.get().revoked_at is None
    assert "Le jeton de Bob" not in client.get("/compte/jetons-api/").text


def test_an_expired_token_is_refused(personas, client):
    created = timezone.now() - datetime.timedelta(days=31)
    new = create_token(personas.officer_a, name="Vieux", days=30, now=created)
    response = client.get(CASES, HTTP_AUTHORIZATION=f"Bearer {new.raw}")
    assert response.status_code == 401
    client.force_login(personas.officer_a)
    assert "expiré" in client.get("/compte/jetons-api/").text


def test_a_token_of_a_deactivated_person_is_refused(personas, client):
    new = create_token(personas.officer_a, name="Départ", days=30)
    personas.officer_a.is_active = False
    personas.officer_a.save()
    assert client.get(CASES, HTTP_AUTHORIZATION=f"Bearer {new.raw}").status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer dla_x", "Bearer dla_abcdef12_wrongsecret", "Bearer a b", "Bearer é"],
)
def test_malformed_or_wrong_tokens_get_a_json_401(personas, client, header):
    create_token(personas.officer_a, name="Bon", days=30)
    response = client.get(CASES, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["code"] == "authentication_failed"


def test_the_scope_is_read_only(personas, api):
    response = api(personas.admin).post(CASES, {})
    assert response.status_code == 403
    assert response.json() == {"detail": "L'API est en lecture seule.", "code": "permission_denied"}


def test_revoking_is_journaled(personas):
    new = create_token(personas.officer_a, name="Tableur", days=30)
    revoke_token(personas.officer_a, new.token.pk)
    assert [h.history_type for h in new.token.history.order_by("history_id")] == ["+", "~"]
    assert new.token.history.first().revoked_at is not None


def test_each_token_has_its_own_rate_limit(personas, client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "3/minute"},
    }
    first = create_token(personas.officer_a, name="Un", days=30).raw
    second = create_token(personas.officer_a, name="Deux", days=30).raw
    codes = [client.get(CASES, HTTP_AUTHORIZATION=f"Bearer {first}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get(CASES, HTTP_AUTHORIZATION=f"Bearer {first}")
    assert limited.json()["code"] == "throttled"
    assert limited.json()["detail"].startswith("Trop de requêtes : réessayez dans ")
    assert int(limited["Retry-After"]) >= 1
    assert client.get(CASES, HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200


@pytest.mark.parametrize("n", [1, 15])
def test_token_page_query_count(personas, client, django_assert_num_queries, n):
    for i in range(n):
        create_token(personas.officer_a, name=f"Jeton {i}", days=30)
    client.force_login(personas.officer_a)
    # 1. the user with their DLA and the menu's unread reminders (page header; the session
    # is read from the cache); 2. their tokens with their usability.
    with django_assert_num_queries(2):
        response = client.get("/compte/jetons-api/")
    assert response.text.count("Révoquer<span") == n
