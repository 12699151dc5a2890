"""Read settings from environment variables, failing loudly on a bad value.

Every variable the project reads is declared once in ``VARIABLES``; the
documentation in docs/configuration.md is checked against it by the tests.
"""

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Variable:
    name: str
    doc: str
    default: str | None = None


VARIABLES = {
    v.name: v
    for v in [
        Variable("DJANGO_SETTINGS_MODULE", "Settings module: dla_suivi.settings.dev|test|prod."),
        Variable("SECRET_KEY", "Django secret key. Required in prod; dev/test use a fixed key."),
        Variable("DEBUG", "Debug mode (true/false). Never true in prod.", "false"),
        Variable("ALLOWED_HOSTS", "Comma-separated host names served.", "127.0.0.1,localhost"),
        Variable(
            "CSRF_TRUSTED_ORIGINS", "Comma-separated origins (https://…) trusted for CSRF.", ""
        ),
        Variable(
            "DATABASE_URL",
            "Main database URL. Default: SQLite file var/dla_suivi.sqlite3.",
            f"sqlite:///{BASE_DIR / 'var' / 'dla_suivi.sqlite3'}",
        ),
        Variable(
            "REPORTING_DATABASE_URL",
            "Optional read replica for heavy reporting reads. Default: the main database.",
            "",
        ),
        Variable(
            "REDIS_URL",
            "Redis URL for the Celery broker. Unset: kombu's filesystem transport under var/.",
            "",
        ),
        Variable(
            "EMAIL_URL",
            "Email backend: console:// (default), smtp://user:pass@host:port, smtp+tls://…",
            "console://",
        ),
        Variable(
            "DEFAULT_FROM_EMAIL", "Sender of outgoing emails.", "DLA Suivi <noreply@localhost>"
        ),
        Variable(
            "SITE_URL",
            "Address of the site, used in the links that emails carry.",
            "http://127.0.0.1:8000",
        ),
        Variable("LINK_VALIDITY_DAYS", "Days a personal link sent by email stays valid.", "30"),
        Variable(
            "FOLLOWUP_QUESTIONNAIRE_MONTHS",
            "Months after delivery before the structure gets the follow-up questionnaire.",
            "6",
        ),
        Variable("MEDIA_ROOT", "Where generated files (reports, exports) are stored.", ""),
        Variable("SESSION_COOKIE_AGE", "Session lifetime in seconds.", "28800"),
        Variable(
            "REPORTING_DASHBOARD_CACHE_SECONDS",
            "How long dashboard figures are cached (0 disables the cache).",
            "300",
        ),
        Variable(
            "REPORTING_PUBLICATION_INTERVAL_SECONDS",
            "Shortest delay between two recomputations of an open year's publication.",
            "300",
        ),
        Variable(
            "REPORTING_DATASET_MAX_AGE_SECONDS",
            "Age past which the case-level export no longer reads a year's maintained lines.",
            "3600",
        ),
        Variable(
            "RGPD_RETENTION_YEARS",
            "Years after a structure's last case ended before its contacts are anonymised.",
            "3",
        ),
        # Case documents (docs/case-file.md): size limit and optional S3-compatible storage.
        Variable("DOCUMENTS_MAX_UPLOAD_MB", "Largest document accepted, in MB (10^6 bytes).", "20"),
        Variable(
            "DOCUMENTS_S3_BUCKET",
            "Bucket for case documents; empty keeps them on the filesystem under MEDIA_ROOT.",
            "",
        ),
        Variable(
            "DOCUMENTS_S3_ENDPOINT_URL",
            "Endpoint of an S3-compatible service (empty: AWS S3).",
            "",
        ),
        Variable("DOCUMENTS_S3_REGION", "Region of the documents bucket.", ""),
        Variable("DOCUMENTS_S3_ACCESS_KEY_ID", "Access key for the documents bucket.", ""),
        Variable("DOCUMENTS_S3_SECRET_ACCESS_KEY", "Secret key for the documents bucket.", ""),
        # JSON API (docs/api.md)
        Variable(
            "API_RATE_LIMIT",
            "API requests allowed per token (or signed-in person): N/second|minute|hour|day.",
            "120/minute",
        ),
        # Single sign-on with OpenID Connect (docs/sso.md); off while OIDC_CLIENT_ID is empty.
        Variable("OIDC_CLIENT_ID", "Client id registered at the OIDC provider.", ""),
        Variable("OIDC_CLIENT_SECRET", "Client secret registered at the OIDC provider.", ""),
        Variable(
            "OIDC_ISSUER",
            "Provider's issuer URL; endpoints are read from its discovery document.",
            "",
        ),
        Variable("OIDC_AUTHORIZATION_ENDPOINT", "Overrides the discovered endpoint.", ""),
        Variable("OIDC_TOKEN_ENDPOINT", "Overrides the discovered endpoint.", ""),
        Variable("OIDC_USERINFO_ENDPOINT", "Overrides the discovered endpoint.", ""),
        Variable("OIDC_JWKS_ENDPOINT", "Overrides the discovered endpoint.", ""),
        Variable("OIDC_END_SESSION_ENDPOINT", "Overrides the discovered endpoint.", ""),
        Variable("OIDC_SCOPES", "Scopes asked for (space-separated).", "openid email"),
        Variable("OIDC_SIGN_ALGO", "Signature algorithm of the ID token.", "RS256"),
        Variable(
            "OIDC_TRUST_EMAIL",
            "Accept an email without email_verified (providers that only send verified ones).",
            "false",
        ),
        Variable("OIDC_PROVIDER_NAME", "Name on the sign-in button.", "ProConnect"),
        Variable("PASSWORD_LOGIN_ENABLED", "Local sign-in with a password (true/false).", "true"),
        # Public register of companies (structure form, import preview, weekly check).
        Variable(
            "ENTREPRISES_API_URL",
            "API Recherche d'entreprises (or a mirror); empty disables the lookups.",
            "https://recherche-entreprises.api.gouv.fr",
        ),
        Variable("ENTREPRISES_API_TIMEOUT", "Seconds before a register lookup gives up.", "3"),
        # Yearly campaign (docs/statistics.md): when a year's figures are frozen.
        Variable(
            "STATISTICS_CUTOFF",
            "Day (MM-DD) of year Y+1 after which year Y's figures are frozen.",
            "01-31",
        ),
    ]
}


def _raw(name: str) -> str | None:
    if name not in VARIABLES:
        raise ImproperlyConfigured(f"{name} is read but not declared in settings/env.py")
    value = os.environ.get(name)
    if value is None or value == "":
        return VARIABLES[name].default
    return value


def env_str(name: str, *, required: bool = False) -> str:
    value = _raw(name)
    if required and not value:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value or ""


def env_bool(name: str) -> bool:
    value = (_raw(name) or "").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"", "0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false).")


def env_int(name: str) -> int:
    value = _raw(name) or ""
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def env_month_day(name: str) -> str:
    """A day of the year as ``MM-DD`` (29 February refused: not every year has one)."""
    value = (_raw(name) or "").strip()
    try:
        month, day = (int(part) for part in value.split("-"))
        datetime.date(2001, month, day)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a day of the year (MM-DD).") from None
    return f"{month:02d}-{day:02d}"


def env_list(name: str) -> list[str]:
    return [item.strip() for item in (_raw(name) or "").split(",") if item.strip()]


def env_database(name: str) -> dict | None:
    url = _raw(name)
    if not url:
        return None
    if not url.startswith(("sqlite://", "postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            f"{name}={url!r}: only sqlite:// and postgres:// databases are supported."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.postgresql":
        options = config.setdefault("OPTIONS", {})
        # JIT compilation costs more than it saves on our short aggregate queries.
        options["options"] = "-c jit=off"
        # Parameters bound by the server, so that a query run five times on a connection
        # is prepared (psycopg's threshold) and no longer planned at each request: the
        # case page's main query plans in 2.6 ms and runs in 0.5 (docs/benchmarks.md).
        options["server_side_binding"] = True
        options["prepare_threshold"] = 5
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL lets the demo's web process read while the worker writes; IMMEDIATE
        # transactions wait for the write lock instead of failing with "database is locked".
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    return config


def env_redis(name: str) -> str:
    url = _raw(name) or ""
    if url and not url.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(f"{name}={url!r} is not a redis:// URL.")
    return url


def env_email(name: str) -> dict:
    """A Django 6.1 ``MAILERS`` entry from an email URL."""
    url = _raw(name) or "console://"
    scheme, _, _rest = url.partition("://")
    if scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(url)
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name}={url!r} has no host.")
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname,
                "port": parts.port or 25,
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_tls": scheme == "smtp+tls",
                "use_ssl": scheme == "smtp+ssl",
                "timeout": 10,
            },
        }
    raise ImproperlyConfigured(f"{name}={url!r}: use console://, locmem:// or smtp://…")
