import pytest


@pytest.fixture(autouse=True)
def no_dashboard_cache(settings):
    """Each test sees its own data: the dashboard cache is off unless a test turns it on."""
    settings.REPORTING_DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def no_parsed_publications():
    """Stored publications parsed by an earlier test are not reused (ids repeat)."""
    from reporting import publication, snapshots

    publication._parsed.clear()
    snapshots._publication.cache_clear()
    yield
    publication._parsed.clear()
    snapshots._publication.cache_clear()
