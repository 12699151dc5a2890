import pytest
from django.core.cache import cache

from api.services import create_token


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Throttle counters live in the cache: each test starts with a full budget."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_for():
    """token_for(user) creates a personal token and returns its raw value."""

    def make(user, days=30):
        return create_token(user, name="Tests", days=days).raw

    return make


@pytest.fixture
def api(client, token_for):
    """api(user).get(url) calls the API with a personal token of that user."""

    class Api:
        def __init__(self, user):
            self.header = f"Bearer {token_for(user)}"

        def get(self, url, data=None):
            return client.get(url, data, HTTP_AUTHORIZATION=self.header)

        def post(self, url, data=None):
            return client.post(url, data, HTTP_AUTHORIZATION=self.header)

    return Api
