import re

import pytest


@pytest.fixture(autouse=True)
def _empty_cache():
    """Attempt counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


def link_in(email) -> str:
    """The path of the personal link an email carries."""
    return re.search(r"http://testserver(/lien/[\w-]+/)", email.body).group(1)


@pytest.fixture
def outside_client(client):
    """A browser of someone without an account: opens the link, lands on its page."""
    from django.test import Client

    def open_from(email) -> tuple[Client, str]:
        browser = Client()
        response = browser.get(link_in(email))
        assert response.status_code == 302, response
        return browser, response["Location"]

    return open_from
