import pytest
from django.test import override_settings


@pytest.fixture(scope="session")
def _media_url_for_the_live_server():
    """Django's live server wraps the app in a media handler that needs a MEDIA_URL string
    (the project has none: generated files only go through authorised views)."""
    with override_settings(MEDIA_URL="/_media-jamais-servi/"):
        yield


@pytest.fixture(scope="session")
def live_server(_media_url_for_the_live_server, live_server):
    return live_server
