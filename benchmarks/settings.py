"""Production settings served over plain HTTP on the loopback, for `make loadtest` only.

Same as dla_suivi.settings.prod (DEBUG off, argon2, whitenoise) except what needs
TLS: locust talks to gunicorn on 127.0.0.1 without a proxy in front.
"""

from dla_suivi.settings.prod import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# No collectstatic step: whitenoise serves from the finders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Per-request CPU and SQL time in a Server-Timing header, read by the locustfile.
MIDDLEWARE = ["benchmarks.middleware.ServerTimingMiddleware", *MIDDLEWARE]  # noqa: F405
