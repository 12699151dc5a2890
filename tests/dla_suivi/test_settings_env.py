import pytest
from django.core.exceptions import ImproperlyConfigured

from dla_suivi.settings import env


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("0", False), ("", False)])
def test_env_bool_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("DEBUG", raw)
    assert env.env_bool("DEBUG") is expected


def test_env_bool_fails_loudly_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("DEBUG", "peut-être")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env.env_bool("DEBUG")


def test_env_int_fails_loudly_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_AGE", "huit heures")
    with pytest.raises(ImproperlyConfigured, match="SESSION_COOKIE_AGE"):
        env.env_int("SESSION_COOKIE_AGE")


def test_required_secret_key_is_enforced(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        env.env_str("SECRET_KEY", required=True)


def test_undeclared_variable_cannot_be_read():
    with pytest.raises(ImproperlyConfigured, match="not declared"):
        env.env_str("SOME_UNKNOWN_VARIABLE")


def test_database_default_is_a_sqlite_file_under_var(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env.env_database("DATABASE_URL")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert str(config["NAME"]).endswith("var/dla_suivi.sqlite3")


def test_postgres_url_is_parsed(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dla")
    config = env.env_database("DATABASE_URL")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "dla"


def test_unsupported_database_fails_loudly(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/dla")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.env_database("DATABASE_URL")


def test_reporting_database_is_optional(monkeypatch):
    monkeypatch.delenv("REPORTING_DATABASE_URL", raising=False)
    assert env.env_database("REPORTING_DATABASE_URL") is None


def test_redis_url_must_be_redis(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "http://127.0.0.1:6379")
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        env.env_redis("REDIS_URL")


def test_smtp_email_url_is_parsed(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://user:p%40ss@mail.example.org:587")
    config = env.env_email("EMAIL_URL")
    assert config["OPTIONS"]["host"] == "mail.example.org"
    assert config["OPTIONS"]["port"] == 587
    assert config["OPTIONS"]["password"] == "p@ss"
    assert config["OPTIONS"]["use_tls"] is True


def test_bad_email_url_fails_loudly(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "pigeon://somewhere")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env.env_email("EMAIL_URL")


def test_every_variable_is_documented():
    doc = (env.BASE_DIR / "docs" / "configuration.md").read_text()
    missing = [name for name in env.VARIABLES if f"`{name}`" not in doc]
    assert missing == []


def test_prod_settings_refuse_to_start_without_secret_key(monkeypatch):
    import importlib
    import sys

    monkeypatch.delenv("SECRET_KEY", raising=False)
    sys.modules.pop("dla_suivi.settings.prod", None)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        importlib.import_module("dla_suivi.settings.prod")
    sys.modules.pop("dla_suivi.settings.prod", None)
