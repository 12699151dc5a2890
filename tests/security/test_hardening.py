import pytest
from django.conf import settings

from tests.http import close_quietly


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.implementation = None
    yield
    AxesProxyHandler.implementation = None


def attempt(client, password):
    return client.post(
        "/connexion/",
        {"username": "alice", "password": password},
        REMOTE_ADDR="203.0.113.7",
    )


def test_login_is_locked_after_five_failures_even_with_the_right_password(
    personas, client, axes_on
):
    for _ in range(5):
        assert attempt(client, "mauvais").status_code in (200, 429)
    response = attempt(client, "motdepasse-test")
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.text
    assert "_auth_user_id" not in client.session


def test_a_good_password_before_the_limit_still_works(personas, client, axes_on):
    for _ in range(3):
        attempt(client, "mauvais")
    response = attempt(client, "motdepasse-test")
    assert response.status_code == 302


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_production_cookies_and_headers_are_hardened(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("SECRET_KEY", "a-production-secret-for-this-test-only-0123456789")
    sys.modules.pop("dla_suivi.settings.prod", None)
    prod = importlib.import_module("dla_suivi.settings.prod")
    sys.modules.pop("dla_suivi.settings.prod", None)
    assert prod.SESSION_COOKIE_SECURE
    assert prod.CSRF_COOKIE_SECURE
    assert prod.SECURE_HSTS_SECONDS >= 31536000
    assert prod.SECURE_SSL_REDIRECT is True
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.X_FRAME_OPTIONS == "DENY"


def test_passwords_are_hashed_with_argon2():
    from dla_suivi.settings import base

    assert base.PASSWORD_HASHERS[0] == "dla_suivi.hashers.Argon2idPasswordHasher"


def test_responses_carry_security_headers(personas, client_for):
    response = client_for(personas.officer_a).get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_generated_files_are_never_served_by_path(personas, client_for, settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    path = default_storage.save("reporting/2026/rapport-region-52.pdf", ContentFile(b"%PDF-1.7"))
    client = client_for(personas.coordinator)
    for url in [f"/media/{path}", f"/static/../var/media/{path}", f"/{path}"]:
        assert client.get(url).status_code == 404, url


def test_static_files_carry_the_framing_protection(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    close_quietly(response)


def test_flash_messages_do_not_set_a_cookie_of_their_own(personas, client_for):
    client = client_for(personas.officer_a)
    client.post("/accompagnements/rappels/lus/")
    assert "messages" not in client.cookies
