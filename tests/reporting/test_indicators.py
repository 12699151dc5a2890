"""Indicator values on the hand-built dataset of factories.py, worked out by hand."""

from dataclasses import replace

import pytest

from reporting.indicators import REGISTRY, Query, Scope, compute, get
from reporting.indicators.sources import read_accompanied
from territoires.actors import SYSTEM
from territoires.models import Departement, Region

from .factories import YEAR, build_dataset


@pytest.fixture
def dataset(personas):
    return build_dataset(personas)


def national(year=YEAR):
    return compute(Query(year, Scope.national(), SYSTEM))


def test_national_activity_counts_distinct_structures_with_a_case_active_in_the_year(dataset):
    figures = national()
    # s1 (case opened in 2024, still open), s2 (two cases), s3, s4; s5's case ended in 2024.
    assert figures["ACT_STRUCTURES"] == 4
    # c1, c2, c4, c5, c7 (c5 closed on 31 December still counts).
    assert figures["ACT_CASES"] == 5
    # c2, c4, c5, c7 opened in 2025; c1 was opened in 2024.
    assert figures["ACT_NEW_CASES"] == 4
    # c1 and c2 validated in 2025; c5's diagnostic is not validated; c6's was in 2024.
    assert figures["ACT_DIAGNOSTICS"] == 2
    # s1 (collective i2) and s2 (i1 and i2); i3 was cancelled.
    assert figures["ACT_STRUCTURES_INGENIERIE"] == 2


def test_exits_are_counted_by_state_and_year_of_closing(dataset):
    figures = national()
    assert figures["ACT_CLOSED"] == 1
    assert figures["ACT_REORIENTED"] == 1
    assert figures["ACT_REORIENTED_DESTINATION"]["incubateur"] == 1
    assert sum(figures["ACT_REORIENTED_DESTINATION"].values()) == 1
    assert figures["ACT_REORIENTED_REASON"]["not_eligible"] == 1
    assert figures["ACT_ABANDONED"] == 1
    assert figures["ACT_ABANDONED_REASON"] == {
        "declined_plan": 0,
        "no_answer": 1,
        "ceased": 0,
        "no_capacity": 0,
        "autre": 0,
    }
    # c2: 1 March → 28 September 2025 = 31+30+31+30+31+31+27 days.
    assert figures["ACT_CASE_MEDIAN_DAYS"] == 211


def test_structure_breakdowns_and_jobs(dataset):
    figures = national()
    assert figures["STR_LEGAL_FORM"]["association"] == 3
    assert figures["STR_LEGAL_FORM"]["scop"] == 1
    assert figures["STR_SECTOR"]["culture"] == 2
    assert figures["STR_SECTOR"]["sport"] == 2
    assert figures["STR_SIZE_CLASS"] == {"0": 1, "1-9": 1, "10-49": 1, "50+": 1}
    assert figures["STR_REGION"]["53"] == 3
    assert figures["STR_REGION"]["52"] == 1
    assert figures["STR_REGION"]["11"] == 0
    assert figures["STR_DEPARTEMENT"]["35"] == 2
    assert figures["STR_DEPARTEMENT"]["29"] == 1
    assert figures["STR_DEPARTEMENT"]["44"] == 1
    assert figures["STR_QPV"] == 1
    assert figures["STR_ZRR"] == 1
    # 0 + 5 + 12 + 60 employees; 0 + 4 + 10.5 + 55 FTE.
    assert figures["STR_JOBS"] == 77
    assert figures["STR_FTE"] == 69.5
    # CDI: 0 + 3 + 10 + 50 = 63 out of 77 CDI or CDD = 81.8 %.
    assert figures["STR_CDI_SHARE"] == 81.8


def test_ingenierie_volume_spending_and_funders(dataset):
    figures = national()
    # i1 (individual) and i2 (collective, counted once); i3 cancelled; i4 started in 2024.
    assert figures["ING_STARTED"] == 2
    assert figures["ING_INDIVIDUAL"] == 1
    assert figures["ING_COLLECTIVE"] == 1
    assert figures["ING_THEME"]["restructuration"] == 1
    assert figures["ING_THEME"]["organisation"] == 1
    # 4 days x 1,000 € + 3 days x 1,200 €.
    assert figures["ING_SPENDING"] == 7600
    assert figures["ING_DAYS"] == 7.0
    # 7,600 € / 7 days = 1,085.71 €.
    assert figures["ING_DAILY_RATE"] == 1086
    assert figures["ING_CONSULTANTS"] == 2
    # Only i1 finished in 2025, rated "très satisfaite".
    assert figures["ING_SATISFIED"] == 100.0
    assert figures["ING_FUNDING"] == {
        "etat": 3000,
        "banque_territoires": 1000,
        "fse": 0,
        "region": 3600,
        # The Département is a funder of its own since the conventions (issue 16).
        "departement": 0,
        "autre": 0,
    }


def test_follow_up_outcomes_and_satisfaction(dataset):
    figures = national()
    assert figures["SUI_FOLLOWUPS"] == 2
    assert figures["SUI_SITUATION"]["consolidee"] == 1
    assert figures["SUI_SITUATION"]["fragile"] == 1
    # One satisfied out of two answers.
    assert figures["SUI_SATISFIED"] == 50.0
    assert figures["SUI_JOBS"] == 6


def test_median_time_in_each_phase_comes_from_the_journal(dataset):
    phases = national()["PAR_PHASE_MEDIAN_DAYS"]
    # Phases left in 2025 (c1 entered diagnostic on 20 November 2024, parcours on 20 January).
    # Accueil: c2 10 days, c4 19, c5 9 → 10. Diagnostic: c2 30, c1 61, c5 235 → 61.
    # Parcours: c2 21, c1 132 → 76.5. Coordination: c2 92, c1 92. Suivi: c2 58.
    assert phases == {
        "accueil": 10,
        "diagnostic": 61,
        "parcours": 76.5,
        "coordination": 92,
        "suivi": 58,
    }


def test_department_and_region_scopes_split_the_national_figures(dataset):
    region = compute(Query(YEAR, Scope.for_region(Region.objects.get(code="53")), SYSTEM))
    dep_a = compute(Query(YEAR, Scope.for_departement(Departement.objects.get(code="35")), SYSTEM))
    assert region["ACT_STRUCTURES"] == 3
    assert dep_a["ACT_STRUCTURES"] == 2
    assert dep_a["STR_JOBS"] == 5
    assert dep_a["ING_STARTED"] == 2
    assert set(dep_a["STR_DEPARTEMENT"]) == {"35"}


def test_figures_by_territory_are_one_query_per_source(dataset, django_assert_num_queries):
    query = Query(YEAR, Scope.national(), SYSTEM)
    scalars = [i for i in REGISTRY.values() if not i.is_breakdown]
    sources = {i.source for i in scalars}
    with django_assert_num_queries(len(sources)):
        by_region = compute(query, scalars, by="region")
    assert by_region["ACT_STRUCTURES"] == {"53": 3, "52": 1}


def test_a_users_figures_never_exceed_what_they_may_read(dataset, personas):
    scope = Scope.national()
    officer_view = compute(Query(YEAR, scope, personas.officer_a), [get("ACT_STRUCTURES")])
    assert officer_view["ACT_STRUCTURES"] == 2


def test_the_years_cases_read_once_give_the_figures_of_the_rule(dataset, personas):
    """A refresh reads the year's accompanied cases once and shares them between
    territories (sources.read_accompanied): the figures are those of the rule itself."""
    read = read_accompanied(Query(YEAR, Scope.national(), SYSTEM))
    dataset_cases = dataset.cases
    # c1, c2, c4, c5 and c7 (test above); c6 was in follow-up only.
    expected = sorted(dataset_cases[c].pk for c in ("c1", "c2", "c4", "c5", "c7"))
    assert list(read.cases.keys) == expected
    for scope in [
        Scope.national(),
        Scope.for_region(Region.objects.get(code="53")),
        Scope.for_departement(Departement.objects.get(code="35")),
        Scope.for_dla(dataset_cases["c1"].dla),
    ]:
        assert compute(replace(read, scope=scope)) == compute(Query(YEAR, scope, SYSTEM))
    # Read for the system in YEAR: another year or viewer goes back to the rule.
    assert (
        compute(replace(read, year=YEAR - 1))["ACT_CASES"]
        == compute(Query(YEAR - 1, Scope.national(), SYSTEM))["ACT_CASES"]
    )
    officers = read_accompanied(Query(YEAR, Scope.national(), personas.officer_a))
    assert len(officers.cases.keys) < len(expected)
    structures = [get("ACT_STRUCTURES")]
    assert compute(replace(officers, viewer=SYSTEM), structures)["ACT_STRUCTURES"] == 4


def test_every_indicator_is_documented():
    for indicator in REGISTRY.values():
        assert indicator.label
        assert len(indicator.definition) > 30, indicator.code
        assert indicator.unit


def test_indicator_documentation_is_generated_from_the_registry():
    from pathlib import Path

    from reporting.docs import indicators_markdown

    doc = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"
    assert doc.read_text(encoding="utf-8") == indicators_markdown()
