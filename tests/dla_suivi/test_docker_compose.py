from pathlib import Path

import yaml

from dla_suivi.settings.env import VARIABLES

ROOT = Path(__file__).resolve().parents[2]


def load():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_stack_has_the_production_services():
    services = load()["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "worker-reports", "beat"}


def test_report_worker_listens_on_its_own_queue():
    services = load()["services"]
    assert services["worker-reports"]["command"][-3:] == ["reports", "--concurrency", "1"]
    assert "reports" not in services["worker"]["command"]


def test_every_variable_set_for_the_app_is_a_known_setting():
    services = load()["services"]
    for name in ["web", "worker", "worker-reports", "beat"]:
        environment = services[name]["environment"]
        unknown = set(environment) - set(VARIABLES)
        assert unknown == set(), f"{name} sets unknown variables {unknown}"
        assert environment["DJANGO_SETTINGS_MODULE"] == "dla_suivi.settings.prod"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://")


def test_app_services_use_the_dockerfile_build():
    services = load()["services"]
    assert all(services[name]["build"] == "." for name in ["web", "worker", "beat"])
    assert (ROOT / "Dockerfile").exists()
