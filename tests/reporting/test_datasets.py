"""Maintained case-level lines (reporting.datasets): the file written from them is the
file computed live, byte for byte; a write that changes a line makes its year computed
live until the refresh; nothing else may pass them off as current."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accompagnements.models import FollowUp, Situation, State
from accompagnements.services import advance
from accompagnements.services.suivi import record_followup
from reporting import anonymity, datasets, exports, summaries
from reporting.indicators import Query, Scope
from reporting.models import DatasetLine, DatasetStructure, MaintainedDataset, SummaryCell
from territoires.actors import SYSTEM

from .factories import YEAR, build_dataset

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

THIS_YEAR = datetime.date.today().year
YEARS = [2024, YEAR, THIS_YEAR]


@pytest.fixture
def maintained(personas, monkeypatch):
    # k = 1: the dataset's four structures are all kept (test_exports.py).
    monkeypatch.setattr(anonymity, "K", 1)
    dataset = build_dataset(personas)
    summaries.rebuild(YEARS)
    summaries._local.__dict__.pop("pending", None)
    return dataset


def query(year, viewer=SYSTEM):
    return Query(year, Scope.national(), viewer)


def csv(year, maintained=True):
    return "".join(exports.case_csv_lines(query(year), maintained=maintained))


def line_of(year, case):
    pseudonym = exports.pseudonym("accompagnement", case.pk, year)
    (line,) = [line for line in csv(year).splitlines() if f";{pseudonym};" in line]
    return line


@pytest.fixture
def refresh_waits():
    """A refresh is already queued: the marks of the next commit stay until it runs."""
    cache.set(summaries._queued_key("default"), True)
    yield
    cache.delete(summaries._queued_key("default"))


def test_the_file_from_the_maintained_lines_is_the_file_computed_live(maintained):
    for year in YEARS:
        assert exports.current(query(year))
        assert csv(year) == csv(year, maintained=False)
    # Worked out by hand (test_exports.py): 2025's lines are those of c1, c2, c4, c5 and
    # c7; its structures s1 to s4, all shown with k = 1.
    cases, structures = maintained.cases, maintained.structures
    assert set(DatasetLine.objects.filter(year=YEAR).values_list("case_id", flat=True)) == {
        cases[name].pk for name in ("c1", "c2", "c4", "c5", "c7")
    }
    assert set(
        DatasetStructure.objects.filter(year=YEAR).values_list("structure_id", flat=True)
    ) == {structures[name].pk for name in ("s1", "s2", "s3", "s4")}
    assert line_of(YEAR, cases["c1"]).endswith(";fragile;2")


def test_a_maintained_year_is_written_in_two_queries_and_a_live_one_in_one(maintained):
    """Whether the lines are current, then the lines; live, the one SELECT."""
    for use, expected in ((True, 2), (False, 1)):
        with CaptureQueriesContext(connection) as queries:
            lines = list(exports.case_csv_lines(query(YEAR), maintained=use))
        # A header and five cases.
        assert len(lines) == 6
        assert len(queries) == expected, [q["sql"][:80] for q in queries]


def test_a_follow_up_recorded_today_marks_the_earlier_year_whose_line_shows_it(
    maintained, personas, django_capture_on_commit_callbacks, refresh_waits
):
    """Its date is this year, so it changes no figure of 2025, but c1's line of 2025
    shows the case's last follow-up."""
    c1 = maintained.cases["c1"]
    with django_capture_on_commit_callbacks(execute=True):
        followup = FollowUp(
            checked_on=datetime.date.today(),
            situation=Situation.CEASED,
            satisfaction=1,
            headcount=0,
            fte=0,
            cdi_count=0,
            cdd_count=0,
        )
        record_followup(c1, followup, by=personas.officer_a)
    assert not exports.current(query(YEAR))
    # Marked and not yet refreshed: the file is computed live, today's follow-up in it.
    assert line_of(YEAR, c1).endswith(";cessation;1")
    summaries.refresh()
    assert exports.current(query(YEAR))
    assert line_of(YEAR, c1).endswith(";cessation;1")
    assert csv(YEAR) == csv(YEAR, maintained=False)


def test_a_transition_today_marks_every_year_whose_line_names_the_case(
    maintained, personas, django_capture_on_commit_callbacks, refresh_waits
):
    """c7 (accueil since October 2025) abandoned today: its lines show its phase now."""
    c7 = maintained.cases["c7"]
    assert f";{State.ACCUEIL};" in line_of(YEAR, c7)
    generations = dict(MaintainedDataset.objects.values_list("year", "generation"))
    with django_capture_on_commit_callbacks(execute=True):
        advance(c7, "abandon", by=personas.officer_a, reason="autre")
    marked = {
        year
        for year, generation in MaintainedDataset.objects.values_list("year", "generation")
        if generation > generations[year]
    }
    # 2025 and this year name c7; 2024 does not (opened in October 2025).
    assert marked == {YEAR, THIS_YEAR}
    assert f";{State.ABANDONNE};" in line_of(YEAR, c7)
    summaries.refresh()
    assert all(exports.current(query(year)) for year in YEARS)
    assert f";{State.ABANDONNE};" in line_of(YEAR, c7)


def test_only_a_reader_of_every_case_reads_maintained_lines(maintained, personas):
    assert exports.current(query(YEAR, personas.national))
    assert not exports.current(query(YEAR, personas.coordinator))
    assert not exports.current(query(YEAR, personas.officer_a))


def test_lines_written_with_another_key_are_not_current(maintained, settings):
    settings.SECRET_KEY = "une-autre-clé"
    assert not exports.current(query(YEAR))
    assert datasets.rebuild([YEAR]) == 1
    assert exports.current(query(YEAR))
    assert csv(YEAR) == csv(YEAR, maintained=False)


def test_texts_decided_with_another_k_are_not_current(maintained, monkeypatch):
    monkeypatch.setattr(anonymity, "K", 5)
    assert not exports.current(query(YEAR))
    # With k = 5 the four structures are all left out (test_exports.py): no line.
    datasets.rebuild([YEAR])
    assert exports.current(query(YEAR))
    assert not DatasetStructure.objects.filter(year=YEAR).exists()
    assert csv(YEAR) == csv(YEAR, maintained=False)
    assert csv(YEAR).count("\r\n") == 1  # the header alone


def test_an_edit_of_a_dla_marks_every_year(maintained, django_capture_on_commit_callbacks):
    dla = maintained.cases["c1"].dla
    with django_capture_on_commit_callbacks(execute=True):
        dla.name = "DLA renommé"
        dla.save()
    assert not any(exports.current(query(year)) for year in YEARS)


def test_a_refresh_never_stores_over_lines_of_a_later_generation(maintained, monkeypatch):
    row = MaintainedDataset.objects.get(year=YEAR)
    before = list(DatasetLine.objects.filter(year=YEAR).values_list("pk", flat=True))
    # A refresh that read generation g, while another stored lines of g + 1.
    MaintainedDataset.objects.filter(pk=row.pk).update(computed_generation=row.generation + 1)
    assert datasets._store(query(YEAR), row.generation, "default") == 0
    assert list(DatasetLine.objects.filter(year=YEAR).values_list("pk", flat=True)) == before


def test_a_write_while_lines_are_computed_leaves_them_not_current(maintained, monkeypatch):
    """The year's generation is read before its cases: a write marking the year after
    that (here, while its cases are read) leaves the stored lines not current."""
    datasets.mark([YEAR])
    read = datasets.read_accompanied

    def racing(query):
        datasets.mark([query.year])  # a write commits and marks the year meanwhile
        return read(query)

    monkeypatch.setattr(datasets, "read_accompanied", racing)
    assert datasets.refresh([YEAR]) == 1
    assert not exports.current(query(YEAR))
    monkeypatch.setattr(datasets, "read_accompanied", read)
    assert datasets.refresh() == 1
    assert exports.current(query(YEAR))


def test_lines_older_than_the_maximum_age_are_not_read_and_are_recomputed(maintained, settings):
    settings.REPORTING_DATASET_MAX_AGE_SECONDS = 3600
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    MaintainedDataset.objects.filter(year=YEAR).update(computed_at=long_ago)
    assert not exports.current(query(YEAR))
    assert exports.current(query(THIS_YEAR))
    # The beat's refresh recomputes that year only.
    assert datasets.refresh() == 1
    assert exports.current(query(YEAR))


def test_lines_of_another_fingerprint_are_recomputed_by_the_refresh(maintained):
    MaintainedDataset.objects.filter(year=YEAR).update(fingerprint="écrites par un autre code")
    assert not exports.current(query(YEAR))
    assert datasets.refresh() == 1
    assert exports.current(query(YEAR))


def test_only_the_national_file_reads_maintained_lines(maintained, personas):
    region = Scope.for_region(personas.region)
    assert not exports.current(Query(YEAR, region, personas.national))


def test_writes_mark_the_lines_when_no_cell_is_kept(
    maintained, personas, django_capture_on_commit_callbacks, refresh_waits
):
    SummaryCell.objects.all().delete()
    generation = MaintainedDataset.objects.get(year=YEAR).generation
    with django_capture_on_commit_callbacks(execute=True):
        advance(maintained.cases["c7"], "abandon", by=personas.officer_a, reason="autre")
    assert MaintainedDataset.objects.get(year=YEAR).generation == generation + 1
    assert not exports.current(query(YEAR))


def test_a_write_marks_the_years_being_recomputed(
    maintained, personas, django_capture_on_commit_callbacks, refresh_waits
):
    """2024's lines do not name c7, but a refresh may be writing them: marked again."""
    datasets.mark([2024])
    generation = MaintainedDataset.objects.get(year=2024).generation
    with django_capture_on_commit_callbacks(execute=True):
        advance(maintained.cases["c7"], "abandon", by=personas.officer_a, reason="autre")
    assert MaintainedDataset.objects.get(year=2024).generation == generation + 1
