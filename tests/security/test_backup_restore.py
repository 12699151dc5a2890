"""The documented backup (pg_dump) restores into an empty database that serves pages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.structures.factories import StructureFactory

ROOT = Path(__file__).resolve().parents[2]
RESTORED = "dla_restore_check"

SERVE = """
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
from accounts.models import User
from structures.models import Structure
client = Client()
client.force_login(User.objects.get(username="alice"))
structure = Structure.objects.get(name="Restaurée après sauvegarde")
response = client.get(f"/structures/{structure.pk}/")
print(response.status_code, "Restaurée après sauvegarde" in response.content.decode())
"""


def pg(*args, **kwargs):
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    base = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
    base += ["-U", settings["USER"] or "postgres"]
    return subprocess.run([args[0], *base, *args[1:]], env=env, check=True, **kwargs)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dump_restores_into_an_empty_database_and_serves_a_page(personas, tmp_path):
    StructureFactory(name="Restaurée après sauvegarde")
    dump = tmp_path / "dla_suivi.dump"
    source = connection.settings_dict["NAME"]
    # The commands documented in docs/operations.md.
    pg("pg_dump", "--format=custom", "--no-owner", "--file", str(dump), source)
    pg("dropdb", "--if-exists", RESTORED)
    pg("createdb", RESTORED)
    try:
        pg("pg_restore", "--no-owner", "--exit-on-error", "--dbname", RESTORED, str(dump))
        settings = connection.settings_dict
        url = (
            f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{RESTORED}"
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dla_suivi.settings.test"}
        env["DATABASE_URL"] = url
        result = subprocess.run(
            [sys.executable, "-c", SERVE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[-2:] == ["200", "True"]
    finally:
        pg("dropdb", "--if-exists", RESTORED)
