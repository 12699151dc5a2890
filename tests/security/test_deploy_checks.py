import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(**extra_env):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dla_suivi.settings.prod",
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-" + "y" * 30,
        "ALLOWED_HOSTS": "dla-suivi.example.org",
        "EMAIL_URL": "smtp+tls://dla:secret@mail.example.org:587",
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_check()
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_console_email_backend_in_production():
    result = run_check(EMAIL_URL="console://")
    assert result.returncode != 0
    assert "mail.E001" in result.stderr + result.stdout
