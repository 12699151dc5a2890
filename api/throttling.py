from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class PerTokenThrottle(SimpleRateThrottle):
    """One budget per token (per person when signed in with the browser), in the cache."""

    scope = "api"

    def get_rate(self):
        # Read at each request (DRF reads it once at import): settings can change in tests.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        token = request.auth
        if token is not None and hasattr(token, "prefix"):
            ident = f"token-{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def wait(self):
        # Whole seconds: the Retry-After header and the error message stay readable.
        wait = super().wait()
        return None if wait is None else max(1, round(wait))
