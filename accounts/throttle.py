"""Attempt counters in the cache for public endpoints (personal links, password reset).

Logins are throttled by django-axes; these endpoints have no account to lock, so
they count attempts per key (an IP address, an email address) over a window.
"""

from django.core.cache import cache


def client_ip(request) -> str:
    # Behind the production proxy, REMOTE_ADDR is set from X-Forwarded-For by gunicorn's
    # forwarded_allow_ips; the header itself is never trusted here.
    return request.META.get("REMOTE_ADDR", "") or "inconnue"


def _key(scope: str, value: str) -> str:
    return f"throttle:{scope}:{value}"


def is_blocked(scope: str, value: str, *, limit: int) -> bool:
    return int(cache.get(_key(scope, value), 0)) >= limit


def count(scope: str, value: str, *, window: int) -> int:
    """Count one attempt; the window starts at the first attempt."""
    key = _key(scope, value)
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1
