import pytest

from dla_suivi.urls import PUBLIC_URL_NAMES
from tests.urlwalk import all_routes

# The JSON API answers anonymous calls with a 401 of its own (tests/api/test_anonymous.py).
PRIVATE_ROUTES = [
    r for r in all_routes() if r.name not in PUBLIC_URL_NAMES and not r.name.startswith("api:")
]


def test_url_walk_finds_the_project_routes():
    names = {r.name for r in all_routes()}
    assert {"home", "login", "healthz", "password_change", "admin:index"} <= names


@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=lambda r: r.name)
@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitor_is_sent_to_login(client, route, method):
    response = getattr(client, method)(route.url)
    assert response.status_code == 302, f"{route.url} answered {response.status_code}"
    assert "/connexion/" in response["Location"] or "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_login_page_is_public(client):
    response = client.get("/connexion/")
    assert response.status_code == 200
    assert "Connexion" in response.text


def test_every_public_name_exists():
    # Namespaced too: the pages personal links lead to (espace:…) are public.
    names = {r.name for r in all_routes()}
    assert names >= PUBLIC_URL_NAMES
