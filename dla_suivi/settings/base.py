"""Settings shared by every environment. Values come from the environment only."""

import importlib
from pathlib import Path

from django.utils.csp import CSP

from dla_suivi.static_headers import add_headers as add_static_headers

from .env import (
    BASE_DIR,
    env_bool,
    env_database,
    env_email,
    env_int,
    env_list,
    env_month_day,
    env_redis,
    env_str,
)

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "django_fsm",
    "simple_history",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "territoires",
    "accounts",
    # Outgoing email (outbox) and personal links for people without an account.
    "messagerie",
    "liens",
    "structures",
    "accompagnements",
    # Documents of structures, cases and ingénieries (above the apps they attach to).
    "dossiers",
    # Structures, consultants and support actors acting through personal links.
    "espace",
    "reporting",
    # Conventions, ingénierie fund, objectives, coverage, partners (above reporting).
    "pilotage",
    "audit",
    # The JSON API reads every app above it.
    "api",
    # Above the other apps: demo data and the test-data generators.
    "demo",
]

MIDDLEWARE = [
    # First: the whole request in one chunk of the frame stack (dla_suivi/datastack.py).
    "dla_suivi.datastack.DataStackRoomMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dla_suivi.urls"
WSGI_APPLICATION = "dla_suivi.wsgi.application"
ASGI_APPLICATION = "dla_suivi.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dla_suivi.context_processors.navigation",
                "accompagnements.context_processors.reminders",
            ],
            # French plurals in every template (0 and 1 singular): francais/; and
            # ``unlocalize`` everywhere, for years and identifiers (« 2015 », not « 2 015 »).
            "builtins": ["francais.templatetags.francais", "django.templatetags.l10n"],
        },
    }
]

DATABASES = {"default": env_database("DATABASE_URL")}
_reporting = env_database("REPORTING_DATABASE_URL")
if _reporting:
    DATABASES["reporting"] = _reporting
# Heavy reporting reads go through this alias (a replica when configured).
REPORTING_DB_ALIAS = "reporting" if _reporting else "default"
DATABASE_ROUTERS = ["dla_suivi.routers.ReportingReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, the signed-in person read with their DLA (one query a page, not two).
    "accounts.backends.PasswordBackend",
]
# Argon2id at m=32 MiB, t=2, p=1 (above OWASP's minimum; CPU per login: dla_suivi/hashers.py).
PASSWORD_HASHERS = [
    "dla_suivi.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions kept in the database and read from the cache (Redis): no query a page to
# find who is signed in; the database copy survives a cache flush.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Login throttling: lock an account+IP pair after 5 failures for one hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"

# The UI is written in French directly (les-emplois' choice): no catalogue of our
# own, no language switching. USE_I18N stays on for Django's own French (admin,
# form errors, month names, number formats).
LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# « 30 nov. 2026 à 12:02 »: Django's French formats, months abbreviated (francais/formats).
FORMAT_MODULE_PATH = ["francais.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
# Case documents: their own storage alias, so a bucket can hold them apart from
# generated exports (docs/case-file.md). Names are ours: documents/YYYY/MM/<uuid>.<ext>.
DOCUMENTS_MAX_UPLOAD_BYTES = env_int("DOCUMENTS_MAX_UPLOAD_MB") * 1_000_000
if env_str("DOCUMENTS_S3_BUCKET"):
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("DOCUMENTS_S3_BUCKET"),
            "endpoint_url": env_str("DOCUMENTS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("DOCUMENTS_S3_REGION") or None,
            "access_key": env_str("DOCUMENTS_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("DOCUMENTS_S3_SECRET_ACCESS_KEY") or None,
            # Private objects, never overwritten; downloads go through our views only.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    STORAGES["documents"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Generated files are never served from MEDIA_URL: only through authorised views.
MEDIA_URL = None

MAILERS = {"default": env_email("EMAIL_URL")}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL")
# Emails are written by tasks, with no request: links in them start with this.
SITE_URL = env_str("SITE_URL")
# Personal links for people without an account (docs/links.md).
LINK_VALIDITY_DAYS = env_int("LINK_VALIDITY_DAYS")
# Wrong or expired links opened from one IP address before it is refused for a while.
LINK_ATTEMPTS_LIMIT = 10
LINK_ATTEMPTS_WINDOW = 900
# The follow-up questionnaire goes to the structure this many months after delivery.
FOLLOWUP_QUESTIONNAIRE_MONTHS = env_int("FOLLOWUP_QUESTIONNAIRE_MONTHS")

# Content Security Policy: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
# Flash messages live in the session (HttpOnly, Secure in prod), not in a cookie of their own.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Static files get the same framing and sniffing protections as pages.
WHITENOISE_ADD_HEADERS_FUNCTION = add_static_headers
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Celery: Redis when REDIS_URL is set, else a broker that needs no server.
REDIS_URL = env_redis("REDIS_URL")
CELERY_FILESYSTEM_DIR = BASE_DIR / "var" / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "queue"),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
# Cache: shared in Redis when there is one (several gunicorn workers), else per process.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
REPORTING_DASHBOARD_CACHE_SECONDS = env_int("REPORTING_DASHBOARD_CACHE_SECONDS")
# An open year's publication (funders' figures) is recomputed by the worker at most this often.
REPORTING_PUBLICATION_INTERVAL_SECONDS = env_int("REPORTING_PUBLICATION_INTERVAL_SECONDS")
# The case-level export reads an open year's maintained lines only if younger than this.
REPORTING_DATASET_MAX_AGE_SECONDS = env_int("REPORTING_DATASET_MAX_AGE_SECONDS")
# Yearly campaign: year Y's figures are frozen after this day of Y+1 (docs/statistics.md).
STATISTICS_CUTOFF = env_month_day("STATISTICS_CUTOFF")

# Business state lives in our own job models, not in a result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"reporting.tasks.render_report": {"queue": "reports"}}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
# Each app declares its periodic tasks in <app>/schedule.py (plain data, no models).
CELERY_BEAT_SCHEDULE = {
    **importlib.import_module("structures.schedule").BEAT_SCHEDULE,
    **importlib.import_module("accompagnements.schedule").BEAT_SCHEDULE,
    **importlib.import_module("reporting.schedule").BEAT_SCHEDULE,
    **importlib.import_module("audit.schedule").BEAT_SCHEDULE,
    **importlib.import_module("messagerie.schedule").BEAT_SCHEDULE,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Personal links and password-reset links carry secrets in their path: masked in logs.
    "filters": {"secrets": {"()": "liens.redact.RedactSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["secrets"]}
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # runserver's request lines, through the filtering handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# RGPD: contacts are anonymised this many years after a structure's last case ended.
RGPD_RETENTION_YEARS = env_int("RGPD_RETENTION_YEARS")

DJANGO_TABLES2_TEMPLATE = "components/table.html"

# JSON API (docs/api.md): read-only, personal tokens, cursor pagination, French errors.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadOnlyForSignedIn"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["api.filters.ListPageFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": env_str("API_RATE_LIMIT")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API DLA Suivi",
    "DESCRIPTION": (
        "API en lecture seule de DLA Suivi : structures, accompagnements, prestataires, "
        "acteurs d'appui, indicateurs et jeu de données anonymisé. Chaque réponse ne contient "
        "que ce que le ou la titulaire du jeton voit dans l'application. Voir docs/api.md."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AxeEnum": "accompagnements.models.diagnostic.Axis.choices",
        "ThemeIngenierieEnum": "accompagnements.models.ingenierie.IngenierieTheme.choices",
        "PhaseEnum": "accompagnements.models.case.State.choices",
        "ThemeIndicateurEnum": "reporting.indicators.base.THEMES",
    },
    # Swagger UI from the drf-spectacular-sidecar package: served locally, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": False},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_errors",
    ],
}

# Single sign-on with OpenID Connect (docs/sso.md). Endpoints come from the
# provider's discovery document (accounts.sso) unless set one by one.
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_ISSUER = env_str("OIDC_ISSUER")
OIDC_ENDPOINTS = {
    "authorization_endpoint": env_str("OIDC_AUTHORIZATION_ENDPOINT"),
    "token_endpoint": env_str("OIDC_TOKEN_ENDPOINT"),
    "userinfo_endpoint": env_str("OIDC_USERINFO_ENDPOINT"),
    "jwks_uri": env_str("OIDC_JWKS_ENDPOINT"),
    "end_session_endpoint": env_str("OIDC_END_SESSION_ENDPOINT"),
}
OIDC_RP_SCOPES = env_str("OIDC_SCOPES")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO")
OIDC_TRUST_EMAIL = env_bool("OIDC_TRUST_EMAIL")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME")
# Accounts are created by administrators, never by signing in (roles and DLA are not claims).
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "sso_refused"
OIDC_OP_LOGOUT_URL_METHOD = "accounts.sso.provider_logout_url"
PASSWORD_LOGIN_ENABLED = env_bool("PASSWORD_LOGIN_ENABLED")
AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "accounts.sso.SsoBackend"]

# API Recherche d'entreprises (structures.registre): public, no key; a mirror may replace it.
ENTREPRISES_API_URL = env_str("ENTREPRISES_API_URL").rstrip("/")
ENTREPRISES_API_TIMEOUT = env_int("ENTREPRISES_API_TIMEOUT")
# Answers are cached this long; the public API allows about 7 calls a second.
ENTREPRISES_API_CACHE_SECONDS = 24 * 3600
# Pause between two calls of the weekly re-check, to stay under that limit.
ENTREPRISES_API_PAUSE_SECONDS = 0.2
