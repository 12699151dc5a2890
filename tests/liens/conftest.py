import pytest


@pytest.fixture(autouse=True)
def _empty_cache():
    """Attempt counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
