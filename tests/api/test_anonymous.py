"""Every API route refuses anonymous calls with a JSON 401, except the schema and its docs."""

import re

import pytest

from api.urls import PUBLIC_URL_NAMES
from tests.http import close_quietly
from tests.urlwalk import all_routes

API_ROUTES = [r for r in all_routes() if r.name.startswith("api:")]
PRIVATE = [r for r in API_ROUTES if r.name.removeprefix("api:") not in PUBLIC_URL_NAMES]
PUBLIC = [r for r in API_ROUTES if r.name.removeprefix("api:") in PUBLIC_URL_NAMES]


def test_the_walk_finds_the_api():
    assert len(PRIVATE) >= 10
    assert {r.name for r in PUBLIC} == {"api:schema", "api:docs"}


@pytest.mark.django_db
@pytest.mark.parametrize("route", PRIVATE, ids=lambda r: r.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_call_gets_a_json_401(client, route, method):
    response = getattr(client, method)(route.url)
    assert response.status_code == 401, f"{route.url}: {response.status_code}"
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
@pytest.mark.parametrize("route", PUBLIC, ids=lambda r: r.name)
def test_the_schema_and_its_documentation_are_public(client, route):
    assert client.get(route.url).status_code == 200


@pytest.mark.django_db
def test_the_documentation_loads_only_local_assets_and_no_inline_code(client):
    """Swagger UI from drf-spectacular-sidecar, its set-up script apart: the CSP holds."""
    html = client.get("/api/v1/docs/").text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    assert all('src="' in attrs and not body.strip() for attrs, body in scripts)
    assert "<style" not in html
    assert "https://" not in html
    assert "http://" not in html
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        response = client.get(src)
        assert response.status_code == 200, src
        close_quietly(response)
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["openapi"] == "3.1.0"
