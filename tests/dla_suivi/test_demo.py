"""`make demo` behaves like the product: no debug page, another port on request, a favicon."""

import importlib
import shutil
import subprocess

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR


def test_demo_settings_turn_debug_off_and_keep_serving_static_files(monkeypatch):
    monkeypatch.delenv("DEBUG", raising=False)
    demo = importlib.import_module("dla_suivi.settings.demo")
    assert demo.DEBUG is False
    # runserver stops serving static files without DEBUG: WhiteNoise does, from the finders.
    assert demo.WHITENOISE_USE_FINDERS is True
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in demo.MIDDLEWARE


@pytest.mark.skipif(shutil.which("make") is None, reason="make absent")
def test_make_demo_port_moves_the_server_the_printed_url_and_the_links():
    dry_run = subprocess.run(
        ["make", "-n", "demo", "PORT=8001"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "http://127.0.0.1:8001 (Ctrl-C" in dry_run
    assert "honcho --procfile Procfile.dev start --port 8001" in dry_run
    assert "SITE_URL=http://127.0.0.1:8001" in dry_run
    assert "DJANGO_SETTINGS_MODULE=dla_suivi.settings.demo" in dry_run
    assert ":8000" not in dry_run
    procfile = (ROOT / "Procfile.dev").read_text()
    assert "runserver 127.0.0.1:$PORT" in procfile


@pytest.mark.django_db  # Django's request_started handler looks at the connection
def test_the_favicon_is_served_at_the_root_and_from_static_files(client):
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200
    assert ico["Content-Type"] == "image/x-icon"
    assert b"".join(ico.streaming_content)[:4] == b"\x00\x00\x01\x00"  # the ICO signature
    ico.close()
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200
    svg.close()
