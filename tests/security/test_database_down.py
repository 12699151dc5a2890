"""With the database down, /healthz says so and pages show a clean French page."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
client = Client(raise_request_exception=False)
out = {}
response = client.get("/healthz")
out["/healthz"] = [response.status_code, response.content.decode()]
response = client.post("/connexion/", {"username": "alice", "password": "x"})
out["login"] = [response.status_code, response.content.decode()]
# A signed-in person: the session lookup is the first thing to hit the database.
client.cookies["sessionid"] = "a" * 32
for url in ["/", "/structures/"]:
    response = client.get(url)
    out[url] = [response.status_code, response.content.decode()]
print(json.dumps(out))
"""


def test_pages_and_healthz_when_the_database_is_down():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dla_suivi.settings.test",
        # Nothing listens on port 1: a real refused connection.
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/dla_down",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    status, body = pages["/healthz"]
    assert status == 503
    assert json.loads(body)["database"] == "error"
    for url in ["login", "/", "/structures/"]:
        status, body = pages[url]
        assert status == 503, url
        assert "Service momentanément indisponible" in body
        assert "Traceback" not in body
        assert "OperationalError" not in body
