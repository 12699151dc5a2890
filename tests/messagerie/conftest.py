import pytest

from dla_suivi.settings.env import env_email

from .smtp import SmtpServer


@pytest.fixture
def smtp_server(settings, monkeypatch):
    """A real SMTP server; the project's mailer configured from EMAIL_URL to reach it."""
    server = SmtpServer()
    server.controller.start()
    monkeypatch.setenv("EMAIL_URL", server.url)
    settings.MAILERS = {"default": env_email("EMAIL_URL")}
    yield server
    server.controller.stop()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Attempt counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
