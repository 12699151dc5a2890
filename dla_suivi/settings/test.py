from .base import *  # noqa: F403
from .base import CELERY_FILESYSTEM_DIR

SECRET_KEY = "test-only-insecure-key"
DEBUG = False
# Fast hashing: the suite creates many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Links in emails point at the test client's host.
SITE_URL = "http://testserver"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_FILESYSTEM_DIR = CELERY_FILESYSTEM_DIR
AXES_ENABLED = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Under each test's MEDIA_ROOT; tests/dossiers/test_s3.py swaps in a local S3 server.
    "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}
# Serve static files from the apps and static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Figures must reflect each test's own data.
REPORTING_DASHBOARD_CACHE_SECONDS = 0
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The API's rate limit is tested on its own; the schema fuzzing must not hit it.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "100000/minute"}}  # noqa: F405
# A real OpenID Connect provider for the SSO tests (tests/accounts/test_sso.py), test-only.
INSTALLED_APPS = [*INSTALLED_APPS, "oauth2_provider"]  # noqa: F405
# Register lookups (structures.registre) answer from recorded responses (respx), without
# pauses; an unmocked call would hit a closed local port, never the network.
ENTREPRISES_API_URL = "http://127.0.0.1:9/registre"
ENTREPRISES_API_PAUSE_SECONDS = 0
