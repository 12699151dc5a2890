"""Maintained summaries (reporting.summaries): stored figures equal a full recomputation,
writes refresh them on commit, a repeat is harmless, and a cold dashboard is a handful of
indexed reads."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accompagnements.models import State
from accompagnements.services import advance
from reporting import summaries
from reporting.indicators import Level, Query, Scope, compute
from reporting.models import SummaryCell
from reporting.snapshots import compute_figures
from structures.services import update_structure
from territoires.actors import SYSTEM
from territoires.models import Departement, Region
from tests.accompagnements.factories import AccompagnementFactory
from tests.structures.factories import StructureFactory

from .factories import YEAR, build_dataset, day

URL = reverse("reporting:dashboard")
THIS_YEAR = datetime.date.today().year
YEARS = [2024, YEAR, THIS_YEAR]


@pytest.fixture
def dataset(personas):
    return build_dataset(personas)


@pytest.fixture
def summarised(dataset):
    summaries.rebuild(YEARS)
    # The dataset's writes were noted for a commit the test's transaction never makes:
    # the rebuild has them, and they must not ride along with the test's first commit.
    summaries._local.__dict__.pop("pending", None)
    return dataset


def _scope(level, code):
    if level == Level.NATIONAL:
        return Scope.national()
    if level == Level.REGION:
        return Scope.for_region(Region.objects.get(code=code))
    return Scope.for_departement(Departement.objects.get(code=code))


# The dataset's territories (35, 29 in Bretagne; 44 in Pays de la Loire) and empty ones.
CHECKED = {"", "53", "52", "11", "35", "29", "44", "22", "75"}


def assert_cells_match_a_full_recomputation(years=YEARS):
    cells = SummaryCell.objects.filter(year__in=years)
    assert cells.count() == len(years) * (1 + Region.objects.count() + Departement.objects.count())
    for cell in cells.filter(territory__in=CHECKED):
        assert not cell.stale
        expected = compute(Query(cell.year, _scope(cell.level, cell.territory), SYSTEM))
        assert cell.values == expected, (cell.year, cell.level, cell.territory)


def value(year, level, code, indicator):
    return SummaryCell.objects.get(year=year, level=level, territory=code).values[indicator]


def test_rebuild_stores_every_territory_as_computed_from_the_registry(summarised):
    assert_cells_match_a_full_recomputation()
    # Worked out by hand from the dataset (tests/reporting/test_indicators.py): in 2025,
    # s1, s2 (35), s3 (29) and s4 (44) were accompanied.
    assert value(YEAR, Level.NATIONAL, "", "ACT_STRUCTURES") == 4
    assert value(YEAR, Level.REGION, "53", "ACT_STRUCTURES") == 3
    assert value(YEAR, Level.DEPARTEMENT, "35", "ACT_STRUCTURES") == 2
    assert value(YEAR, Level.DEPARTEMENT, "22", "ACT_STRUCTURES") == 0


def test_summaries_and_snapshots_hold_the_same_figures(summarised):
    frozen = compute_figures(YEAR)["levels"]
    for cell in SummaryCell.objects.filter(year=YEAR):
        assert cell.values == frozen[cell.level][cell.territory]


def test_a_transition_refreshes_its_cells_on_commit(
    summarised, personas, django_capture_on_commit_callbacks
):
    case = summarised.cases["c7"]  # s2, Ille-et-Vilaine, in accueil since October 2025
    assert value(THIS_YEAR, Level.NATIONAL, "", "ACT_ABANDONED") == 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        advance(case, "abandon", by=personas.officer_a, reason="autre")
    assert callbacks
    # Abandoned today: one abandonment this year in 35, Bretagne and France.
    assert value(THIS_YEAR, Level.NATIONAL, "", "ACT_ABANDONED") == 1
    assert value(THIS_YEAR, Level.REGION, "53", "ACT_ABANDONED") == 1
    assert value(THIS_YEAR, Level.DEPARTEMENT, "35", "ACT_ABANDONED") == 1
    assert value(THIS_YEAR, Level.DEPARTEMENT, "29", "ACT_ABANDONED") == 0
    assert_cells_match_a_full_recomputation()


def _stale_after(case, personas, django_capture_on_commit_callbacks, **params):
    """The cells a transition marks, while a refresh waits (so none is recomputed yet)."""
    from django.core.cache import cache

    cache.set(summaries._queued_key("default"), True)
    with django_capture_on_commit_callbacks(execute=True):
        advance(case, "abandon", by=personas.officer_a, reason="autre", **params)
    return {
        (cell.year, cell.level, cell.territory) for cell in SummaryCell.objects.filter(stale=True)
    }


def test_a_transition_marks_its_journal_rows_year_onwards_not_every_year_since_the_opening(
    summarised, personas, django_capture_on_commit_callbacks
):
    """c7 was opened in 2025: abandoning it today changes this year's figures only (the
    journal row is dated today; statistics never read the case's state fields)."""
    stale = _stale_after(summarised.cases["c7"], personas, django_capture_on_commit_callbacks)
    # s2 is in Ille-et-Vilaine (35), Bretagne (53); so is c7's DLA.
    assert stale == {
        (THIS_YEAR, Level.NATIONAL, ""),
        (THIS_YEAR, Level.REGION, "53"),
        (THIS_YEAR, Level.DEPARTEMENT, "35"),
    }
    summaries.refresh()
    assert_cells_match_a_full_recomputation()


def test_a_transition_dated_in_an_earlier_year_marks_that_year_too(
    summarised, personas, django_capture_on_commit_callbacks
):
    stale = _stale_after(
        summarised.cases["c7"],
        personas,
        django_capture_on_commit_callbacks,
        today=datetime.date(YEAR, 12, 1),
    )
    assert {year for year, _, _ in stale} == {YEAR, THIS_YEAR}
    summaries.refresh()
    assert value(YEAR, Level.DEPARTEMENT, "35", "ACT_ABANDONED") == 1
    assert value(THIS_YEAR, Level.DEPARTEMENT, "35", "ACT_ABANDONED") == 0
    assert_cells_match_a_full_recomputation()


def test_writes_while_a_refresh_waits_join_it(
    summarised, personas, django_capture_on_commit_callbacks
):
    """A commit queues a refresh only when none is waiting: the writes of a burst are
    marked stale and the waiting refresh (or the beat) recomputes them together."""
    from reporting import summaries
    from reporting.tasks import refresh_summaries

    case = summarised.cases["c7"]
    summaries.queue_refresh()  # a refresh waits (in tests, eager: it already ran)
    from django.core.cache import cache

    cache.set(summaries._queued_key("default"), True)  # … and still waits
    assert not SummaryCell.objects.filter(stale=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        advance(case, "abandon", by=personas.officer_a, reason="autre")
    # Marked, not recomputed: no second refresh was queued.
    stale = SummaryCell.objects.filter(year=THIS_YEAR, stale=True)
    assert {(c.level, c.territory) for c in stale} >= {
        (Level.NATIONAL, ""),
        (Level.REGION, "53"),
        (Level.DEPARTEMENT, "35"),
    }
    assert value(THIS_YEAR, Level.NATIONAL, "", "ACT_ABANDONED") == 0
    # The waiting refresh runs: it clears the mark first, then recomputes the burst.
    refresh_summaries("default")
    assert value(THIS_YEAR, Level.NATIONAL, "", "ACT_ABANDONED") == 1
    assert not SummaryCell.objects.filter(stale=True).exists()
    assert cache.get(summaries._queued_key("default")) is None
    assert_cells_match_a_full_recomputation()


def test_a_structure_moved_to_another_department_refreshes_both(
    summarised, personas, django_capture_on_commit_callbacks
):
    s3 = summarised.structures["s3"]  # Finistère, accompanied in 2025
    assert value(YEAR, Level.DEPARTEMENT, "29", "ACT_STRUCTURES") == 1
    s3.departement = Departement.objects.get(code="35")
    with django_capture_on_commit_callbacks(execute=True):
        update_structure(s3, by=personas.admin)
    # Its cases follow it for every open year (the journal reads today's territory);
    # its 2025 year-end record still says 29, so the structures' figures of 2025 keep it
    # there: each source as the registry defines it.
    assert value(YEAR, Level.DEPARTEMENT, "35", "ACT_CASES") == 4
    assert value(YEAR, Level.DEPARTEMENT, "29", "ACT_CASES") == 0
    assert_cells_match_a_full_recomputation()


def test_a_refresh_is_idempotent_and_a_cell_marked_again_stays_stale(summarised, monkeypatch):
    keys = [(YEAR, Level.NATIONAL, ""), (YEAR, Level.DEPARTEMENT, "35")]
    assert summaries.mark_stale(keys) == 2
    assert summaries.mark_stale(keys) == 2  # marked twice: still two cells to recompute
    assert summaries.refresh() == 2
    assert summaries.refresh() == 0
    assert_cells_match_a_full_recomputation()

    # A write lands while the refresh computes: the cell it marked is not cleared.
    summaries.mark_stale(keys[:1])
    compute_cell = summaries.compute_cell

    def racing(*args, **kwargs):
        result = compute_cell(*args, **kwargs)
        SummaryCell.objects.filter(year=YEAR, level=Level.NATIONAL).update(
            generation=999, stale=True
        )
        return result

    monkeypatch.setattr(summaries, "compute_cell", racing)
    generation = SummaryCell.objects.get(year=YEAR, level=Level.NATIONAL).generation
    # Its figures are stored all the same (a steady stream of writes must not freeze
    # France's cell), and it stays stale for the next refresh.
    SummaryCell.objects.filter(year=YEAR, level=Level.NATIONAL).update(values={})
    assert summaries.refresh() == 1
    cell = SummaryCell.objects.get(year=YEAR, level=Level.NATIONAL)
    assert cell.stale
    assert cell.computed_generation == generation
    assert cell.values == compute(Query(YEAR, Scope.national(), SYSTEM))

    # Never over figures a later refresh computed from a later generation.
    monkeypatch.setattr(summaries, "compute_cell", compute_cell)
    SummaryCell.objects.filter(pk=cell.pk).update(computed_generation=1000, values={"later": 1})
    assert summaries.refresh() == 0
    assert SummaryCell.objects.get(pk=cell.pk).values == {"later": 1}


def test_nothing_is_maintained_before_the_first_rebuild(
    dataset, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        advance(dataset.cases["c7"], "abandon", by=personas.officer_a, reason="autre")
    assert not SummaryCell.objects.exists()


def test_the_command_rebuilds_the_open_years(dataset):
    call_command("rebuild_summaries", stdout=io.StringIO())
    assert sorted(SummaryCell.objects.values_list("year", flat=True).distinct()) == YEARS
    assert_cells_match_a_full_recomputation()


def _figures(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"annee": YEAR, **params})
    assert response.status_code == 200
    return response.context["data"], len(queries)


def _comparable(data):
    return {k: v for k, v in data.items() if k != "generated_at"}


@pytest.mark.parametrize("persona", ["officer_a", "coordinator", "national"])
def test_a_dashboard_shows_the_same_figures_from_summaries_as_computed_live(
    dataset, personas, client_for, persona
):
    client = client_for(getattr(personas, persona))
    live, _ = _figures(client)
    summaries.rebuild(YEARS)
    stored, _ = _figures(client)
    assert _comparable(stored) == _comparable(live)


# Pinned: the user with the menu's count of unread reminders (1; the session is read from the
# cache); for DLA members, their DLA with its territories (1); the years with data (1); the frozen
# years' snapshots (1); regions and departments (1); the summary cells (1): the territory, the year
# before, the compared territories and, for national operators, France's series; the pilotage
# panels' objectives (1) and coverage reference table (1). Whatever the number of cases.
EXPECTED_QUERIES = {"officer_a": 8, "coordinator": 8, "national": 7}


@pytest.mark.parametrize("persona", ["officer_a", "coordinator", "national"])
def test_a_cold_dashboard_is_a_handful_of_reads(
    summarised, personas, client_for, persona, django_assert_num_queries
):
    client = client_for(getattr(personas, persona))
    client.get(URL, {"annee": YEAR})  # the session's first request (login bookkeeping)
    with django_assert_num_queries(EXPECTED_QUERIES[persona]):
        response = client.get(URL, {"annee": YEAR})
    assert response.status_code == 200
    for _ in range(10):
        for traits in ({}, {"in_finistere": True}, {"in_loire_atlantique": True}):
            AccompagnementFactory(
                structure=StructureFactory(**traits),
                officer=personas.officer_a,
                opened_on=day(3, 1),
                state=State.DIAGNOSTIC,
            )
    summaries.rebuild(YEARS)
    with django_assert_num_queries(EXPECTED_QUERIES[persona]):
        assert client.get(URL, {"annee": YEAR}).status_code == 200
