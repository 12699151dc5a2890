import pytest


@pytest.fixture(autouse=True)
def no_dashboard_cache(settings):
    """Each test sees its own data: the dashboard cache is off unless a test turns it on."""
    settings.REPORTING_DASHBOARD_CACHE_SECONDS = 0
