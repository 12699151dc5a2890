"""The bench's cold dashboards (``benchmarks.pages.empty_cache``): the figures' cache
emptied, as when it expires, and the reader's session kept (it lives in the same cache)."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.pages import empty_cache


def test_a_cold_dashboard_recomputes_its_figures_without_reading_the_session(
    client_for, personas, settings
):
    settings.REPORTING_DASHBOARD_CACHE_SECONDS = 300  # the tests' settings turn it off
    client = client_for(personas.national)
    url = reverse("reporting:dashboard")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    assert not any("reporting_summarycell" in q["sql"] for q in warm.captured_queries)

    empty_cache(client)
    with CaptureQueriesContext(connection) as cold:
        response = client.get(url)

    assert response.status_code == 200
    sql = [q["sql"] for q in cold.captured_queries]
    assert any("reporting_summarycell" in s for s in sql)  # the figures, read again
    assert not any("django_session" in s for s in sql)
    # A plain clear() evicts the session too: the next request reads it back.
    cache.clear()
    with CaptureQueriesContext(connection) as cleared:
        client.get(url)
    assert any("django_session" in q["sql"] for q in cleared.captured_queries)
