"""The year's publication stored by the worker (reporting.models.StoredPublication):
it answers ``public()`` exactly as a fresh computation, a write and a refresh update it,
a frozen year's is stored beside its snapshot, and a funder's cold dashboard reads it
instead of running the suppression plan."""

import datetime

import pytest
from django.urls import reverse

from reporting import figures, publication, snapshots, summaries, tasks
from reporting.campaigns import freeze_year
from reporting.indicators import SECRET, Level
from reporting.models import Snapshot, StoredPublication, SummaryCell
from territoires.actors import SYSTEM
from territoires.models import Departement, Region

from .factories import build_dataset
from .known_answers import build_known_answers

URL = reverse("reporting:dashboard")
THIS_YEAR = datetime.date.today().year


def old_public(published, code, level, territory="", category=""):
    """``Publication.public`` as it read the table before publications were stored."""
    if code in publication.ALIASES:
        code, level, territory, category = (
            publication.BASE,
            publication.ALIASES[code],
            category,
            "",
        )
    if level == Level.NATIONAL:
        return published.values.get(publication.key(code, level, "", category))
    cell = publication.key(code, level, territory, category)
    if cell not in published.table.cells or cell in published.plan.hidden:
        return SECRET
    return published.table.cells[cell].value


def every_question(fresh):
    """Every cell of the table and of the values, and the aliases by territory."""
    cells = set(fresh.table.cells) | set(fresh.values)
    for code in publication.ALIASES:
        for region in Region.objects.values_list("code", flat=True):
            cells.add((code, Level.REGION, "", region))
        for departement in Departement.objects.values_list("code", flat=True):
            cells.add((code, Level.DEPARTEMENT, "", departement))
    return sorted(cells)


def assert_answers_as(stored, fresh):
    assert stored.table is None  # read back from storage: no linear algebra
    questions = every_question(fresh)
    for cell in questions:
        expected = old_public(fresh, *cell)
        answer = stored.public(*cell)
        assert answer == expected, cell
        assert type(answer) is type(expected), cell
    return questions


@pytest.fixture
def known(personas):
    return build_known_answers(personas)


def test_the_stored_publication_answers_as_a_fresh_build_for_every_cell(known):
    fresh = publication.build(2025)
    summaries.rebuild([2025])
    row = StoredPublication.objects.get(year=2025, snapshot=None)
    assert not row.stale
    assert row.computed_at is not None
    stored = publication.maintained(2025)
    questions = assert_answers_as(stored, fresh)
    # Hidden and shown cells, at every level (tests/reporting/test_known_answers.py):
    # Bretagne's structures rest on K1, K2, K3, K5, K7, K11 but 35 and 29 on fewer than 5.
    answers = [stored.public(*cell) for cell in questions]
    assert SECRET in answers
    assert any(isinstance(a, int) and a > 0 for a in answers)
    assert stored.public("ACT_STRUCTURES", "national") == 9
    assert stored.public("ACT_STRUCTURES", "departement", "35") == SECRET
    assert stored.public("STR_DEPARTEMENT", "national", "", "29") == SECRET
    assert stored.plan.unprotected == fresh.plan.unprotected
    assert stored.values == fresh.values
    # for_year reads the stored one: the plan is not computed again.
    assert publication.for_year(2025) is stored


def test_a_publication_round_trips_through_json(known):
    fresh = publication.build(2025)
    again = publication.Publication.from_json(fresh.to_json())
    assert again.to_json() == fresh.to_json()
    assert again.plan.hidden == fresh.plan.hidden
    with pytest.raises(ValueError, match="format"):
        publication.Publication.from_json({**fresh.to_json(), "format": 0})


@pytest.fixture
def dataset(personas):
    return build_dataset(personas)


def stored_value(code, level="national", territory=""):
    return publication.maintained(THIS_YEAR).public(code, level, territory)


def test_a_write_and_a_refresh_update_the_stored_publication(
    dataset, personas, settings, django_capture_on_commit_callbacks
):
    from accompagnements.services import advance

    settings.REPORTING_PUBLICATION_INTERVAL_SECONDS = 0
    summaries.rebuild([THIS_YEAR])
    before = StoredPublication.objects.get(year=THIS_YEAR, snapshot=None)
    assert stored_value("ACT_ABANDONED") == 0
    with django_capture_on_commit_callbacks(execute=True):
        # c7: s2, Ille-et-Vilaine, in accueil since October 2025; abandoned today.
        advance(dataset.cases["c7"], "abandon", by=personas.officer_a, reason="autre")
    after = StoredPublication.objects.get(year=THIS_YEAR, snapshot=None)
    assert after.generation == before.generation + 1
    assert after.computed_generation == after.generation
    assert not after.stale
    assert after.computed_at > before.computed_at
    assert stored_value("ACT_ABANDONED") == 1
    # One structure alone in Ille-et-Vilaine and in Bretagne: hidden there.
    assert stored_value("ACT_ABANDONED", "departement", "35") == SECRET
    assert stored_value("ACT_ABANDONED", "region", "53") == SECRET
    assert publication.maintained(THIS_YEAR).to_json() == publication.build(THIS_YEAR).to_json()


def _abandon_within_the_interval(dataset, personas, settings, capture_on_commit):
    """c7 abandoned right after this year's publication was stored (interval: 5 minutes)."""
    from accompagnements.services import advance

    settings.REPORTING_PUBLICATION_INTERVAL_SECONDS = 300
    summaries.rebuild([THIS_YEAR])
    with capture_on_commit(execute=True):
        advance(dataset.cases["c7"], "abandon", by=personas.officer_a, reason="autre")


def test_a_stale_publication_is_served_until_the_interval_has_passed(
    dataset, personas, settings, django_capture_on_commit_callbacks
):
    _abandon_within_the_interval(dataset, personas, settings, django_capture_on_commit_callbacks)
    # Cells refreshed at once; the publication, computed a moment ago, waits for the beat.
    assert StoredPublication.objects.get(year=THIS_YEAR, snapshot=None).stale
    assert stored_value("ACT_ABANDONED") == 0
    assert summaries.refresh_publications(interval=0) == 1
    assert stored_value("ACT_ABANDONED") == 1
    assert summaries.refresh_publications(interval=0) == 0  # idempotent: nothing stale


def test_the_beat_catches_up_a_publication_the_interval_held_back(
    dataset, personas, settings, django_capture_on_commit_callbacks
):
    _abandon_within_the_interval(dataset, personas, settings, django_capture_on_commit_callbacks)
    assert StoredPublication.objects.get(year=THIS_YEAR, snapshot=None).stale
    # The interval has passed; every cell is fresh: the beat's refresh still stores it.
    settings.REPORTING_PUBLICATION_INTERVAL_SECONDS = 0
    assert not SummaryCell.objects.filter(stale=True).exists()
    tasks.refresh_summaries()
    assert not StoredPublication.objects.get(year=THIS_YEAR, snapshot=None).stale
    assert stored_value("ACT_ABANDONED") == 1


def test_a_publication_marked_again_while_computed_is_stored_but_stays_stale(dataset, monkeypatch):
    summaries.rebuild([THIS_YEAR])
    summaries.mark_publications([THIS_YEAR])
    build = publication.build

    def racing(*args, **kwargs):
        result = build(*args, **kwargs)
        summaries.mark_publications([THIS_YEAR])
        return result

    monkeypatch.setattr(publication, "build", racing)
    assert summaries.refresh_publications(interval=0) == 1
    row = StoredPublication.objects.get(year=THIS_YEAR, snapshot=None)
    assert row.stale
    assert row.computed_generation == row.generation - 1
    # An older computation never replaces a newer one.
    newest = row.computed_at
    StoredPublication.objects.filter(pk=row.pk).update(computed_generation=row.generation + 5)
    monkeypatch.setattr(publication, "build", build)
    assert summaries.refresh_publications(interval=0) == 0
    assert StoredPublication.objects.get(pk=row.pk).computed_at == newest


def test_a_frozen_year_publication_is_stored_beside_its_snapshot_by_the_worker(known, monkeypatch):
    summaries.rebuild([2025])
    snapshot = freeze_year(2025, by=SYSTEM).snapshot
    assert not StoredPublication.objects.filter(snapshot=snapshot).exists()
    tasks.refresh_summaries()
    # The open year's row is gone: 2025 reads its snapshot's.
    assert not StoredPublication.objects.filter(year=2025, snapshot=None).exists()
    row = StoredPublication.objects.get(snapshot=snapshot)
    assert row.year == 2025
    assert not row.stale
    assert snapshots.verify(Snapshot.objects.get(pk=snapshot.pk))
    assert snapshots.store_publications() == 0  # once
    fresh = publication.build(2025)

    # No reader runs the plan again: read from the stored row.
    def no_plan(*args, **kwargs):
        raise AssertionError("the plan was computed on a read")

    monkeypatch.setattr(publication, "from_inputs", no_plan)
    snapshots._publication.cache_clear()
    assert_answers_as(publication.for_year(2025), fresh)


def _public(client, year):
    response = client.get(URL, {"annee": year})
    assert response.status_code == 200
    return response.context["data"]["public"], response.context["data"]["previous"]["public"]


def test_a_funder_dashboard_shows_the_same_public_figures_stored_as_computed_live(
    known, personas, client_for
):
    client = client_for(personas.financeur)
    live = _public(client, 2025)
    summaries.rebuild([2024, 2025])
    assert StoredPublication.objects.count() == 2
    assert _public(client, 2025) == live


# Pinned: the user (1; the session is read from the cache); the years with data (1); the funder's
# organisation with its region (1); regions and departments, which the filters read too (1); the
# frozen years' snapshots (1); the summary cells (1); the stored publications of the year and of the
# year before (1); the pilotage panels' objectives (1) and coverage reference (1). Whatever the
# number of cases; no plan computed.
FUNDER_QUERIES = 9


def test_a_cold_funder_dashboard_reads_the_stored_publications(
    known, personas, client_for, django_assert_num_queries, monkeypatch
):
    summaries.rebuild([2024, 2025])
    client = client_for(personas.financeur)
    client.get(URL, {"annee": 2025})  # the session's first request (login bookkeeping)
    publication._parsed.clear()  # a new process: nothing parsed yet

    def no_plan(*args, **kwargs):
        raise AssertionError("the plan was computed on a read")

    monkeypatch.setattr(publication, "from_inputs", no_plan)
    with django_assert_num_queries(FUNDER_QUERIES):
        data = client.get(URL, {"annee": 2025}).context["data"]
    # As tests/reporting/test_known_answers.py works out: France 9, Bretagne hidden
    # (its departments' complement), Ille-et-Vilaine and Finistère hidden.
    assert data["public"]["totals"]["ACT_STRUCTURES"] == SECRET
    assert data["public"]["by_territory"]["ACT_STRUCTURES"]["35"] == SECRET
    assert data["public"]["by_territory"]["ACT_STRUCTURES"]["22"] == 0
    assert data["version"] == figures.DATA_VERSION


def test_the_indicator_export_reads_the_stored_publication_with_the_same_rows(known):
    from reporting import exports
    from reporting.indicators import Query, Scope

    query = Query(2025, Scope.national(), SYSTEM)
    live = list(exports.indicator_rows(query))
    summaries.rebuild([2025])
    publication._parsed.clear()
    assert publication.maintained(2025) is not None
    assert list(exports.indicator_rows(query)) == live
    # Ille-et-Vilaine's structures rest on fewer than 5: hidden (test_known_answers.py).
    by_cell = {(row[1], row[4], row[5]): row[-1] for row in live if not row[8]}
    assert by_cell[("ACT_STRUCTURES", "departement", "35")] == SECRET
    assert by_cell[("ACT_STRUCTURES", "national", "")] == 9
