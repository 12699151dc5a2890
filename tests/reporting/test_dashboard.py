import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from accompagnements.models import State
from reporting import summaries
from reporting.indicators import REGISTRY
from tests.accompagnements.factories import AccompagnementFactory
from tests.structures.factories import StructureFactory

from .factories import YEAR, build_dataset, day

URL = reverse("reporting:dashboard")


@pytest.fixture
def dataset(personas):
    return build_dataset(personas)


def get(client, **params):
    return client.get(URL, {"annee": YEAR, **params})


def test_officer_dashboard_shows_their_department(dataset, personas, client_for):
    response = get(client_for(personas.officer_a))
    assert response.status_code == 200
    data = response.context["data"]
    assert data["scope"] == {
        "level": "departement",
        "code": "35",
        "name": "Ille-et-Vilaine",
        "title": "Ille-et-Vilaine (35)",
    }
    assert data["totals"]["ACT_STRUCTURES"] == 2
    assert response.context["comparison"] is None


@pytest.mark.parametrize(
    "params", [{"departement": "29"}, {"region": "53"}, {"region": "52"}, {"departement": "999"}]
)
def test_officer_of_other_department_gets_404(dataset, personas, client_for, params):
    response = get(client_for(personas.officer_a), **params)
    assert response.status_code == 404


def test_coordinator_compares_the_departments_of_their_region(dataset, personas, client_for):
    response = get(client_for(personas.coordinator))
    assert response.status_code == 200
    data = response.context["data"]
    assert data["scope"]["code"] == "53"
    assert data["totals"]["ACT_STRUCTURES"] == 3
    assert data["by_territory"]["ACT_STRUCTURES"] == {"22": 0, "29": 1, "35": 2, "56": 0}
    content = response.content.decode()
    assert "Départements comparés" in content
    assert "Finistère" in content


def test_coordinator_may_zoom_on_a_department_of_their_region_only(dataset, personas, client_for):
    client = client_for(personas.coordinator)
    assert get(client, departement="29").context["data"]["totals"]["ACT_STRUCTURES"] == 1
    assert get(client, departement="44").status_code == 404
    assert get(client, region="52").status_code == 404


def test_national_dashboard_compares_regions(dataset, personas, client_for):
    response = get(client_for(personas.national))
    data = response.context["data"]
    assert data["compare_level"] == "region"
    assert data["by_territory"]["ACT_STRUCTURES"]["53"] == 3
    assert data["by_territory"]["ACT_STRUCTURES"]["52"] == 1
    assert data["departements"]["44"] == 1


def test_dashboard_charts_are_accessible_svg_with_their_figures_as_a_table(
    dataset, personas, client_for
):
    content = get(client_for(personas.national)).content.decode()
    assert content.count('role="img"') >= 5
    assert "<title id=" in content
    assert "<desc id=" in content
    assert "Structures accompagnées par forme juridique" in content
    assert "style=" not in content


def test_unknown_year_falls_back_to_the_current_year(personas, client_for):
    response = client_for(personas.national).get(URL, {"annee": "deux-mille"})
    assert response.status_code == 200


def test_anonymous_visitor_is_sent_to_login(personas, client_for):
    response = client_for(personas.anonymous).get(URL)
    assert response.status_code == 302


def _count_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = get(client, **params)
    assert response.status_code == 200
    return len(queries)


def _add_cases(personas, n):
    for _ in range(n):
        for traits in ({}, {"in_finistere": True}, {"in_loire_atlantique": True}):
            AccompagnementFactory(
                structure=StructureFactory(**traits),
                officer=personas.officer_a,
                opened_on=day(3, 1),
                state=State.DIAGNOSTIC,
            )


# Pinned: a constant per level, whatever the number of cases. Dashboards read the maintained
# summaries (reporting.summaries, tests/reporting/test_summaries.py): the user with the menu's
# unread reminders (1; the session is read from the cache); for DLA members, their DLA (1); the
# years with data (1); the frozen years' snapshots (1); regions and departments (1); the summary
# cells (1); the pilotage panels' objectives and coverage reference table (2).
EXPECTED_QUERIES = {"officer_a": 8, "coordinator": 8, "national": 7}
SUMMARISED_YEARS = [2024, YEAR, datetime.date.today().year]


@pytest.mark.parametrize("persona", ["officer_a", "coordinator", "national"])
def test_dashboard_query_count_does_not_grow_with_the_number_of_cases(
    dataset, personas, client_for, persona
):
    client = client_for(getattr(personas, persona))
    summaries.rebuild(SUMMARISED_YEARS)
    few = _count_queries(client)
    _add_cases(personas, 10)
    summaries.rebuild(SUMMARISED_YEARS)
    many = _count_queries(client)
    assert few == many == EXPECTED_QUERIES[persona]


def test_dictionary_lists_every_indicator(personas, client_for):
    content = client_for(personas.officer_a).get(reverse("reporting:dictionary")).content.decode()
    for indicator in REGISTRY.values():
        assert indicator.code in content
        assert escape(indicator.label) in content


def test_national_home_page_shows_the_key_figures_of_the_current_year(personas, client_for):
    content = client_for(personas.national).get(reverse("home")).content.decode()
    assert "Chiffres clés" in content
    assert escape(REGISTRY["ACT_STRUCTURES"].label) in content


def test_officer_home_page_has_no_national_figures(personas, client_for):
    content = client_for(personas.officer_a).get(reverse("home")).content.decode()
    assert "Chiffres clés" not in content


def test_year_selector_values_are_not_localised(dataset, personas, client_for):
    content = get(client_for(personas.national)).content.decode()
    assert f'<option value="{YEAR}" selected>{YEAR}</option>' in content
    assert f"Tableau de bord {YEAR}" in content


def test_dashboard_figures_are_shared_briefly_by_people_who_see_the_same_data(
    dataset, personas, client_for, settings
):
    from django.core.cache import cache

    settings.REPORTING_DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    client = client_for(personas.national)
    first = _count_queries(client)
    second = _count_queries(client)
    assert second < first
    other = client_for(personas.coordinator)
    assert get(other).context["data"]["scope"]["code"] == "53"
    cache.clear()
