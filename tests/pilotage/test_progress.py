"""Objectives' progress, planned vs achieved, with figures worked out by hand.

Year 2025. DLA Ille-et-Vilaine (35):
  S1 QPV, culture: opened 2025-02-01, diagnostic validated 2025-03-15.
  S2 ZRR, sport:   opened 2024-11-10, in diagnostic since 2024-12-01 (still there).
  S3 ZRR, culture: opened 2025-05-05; individual ingénierie started 2025-06-01.
  S4 culture:      opened 2023-03-01, abandoned 2024-06-30 (not accompanied in 2025).
  A collective ingénierie started 2025-09-01 for S1 and S3; another, started
  2025-10-01, cancelled.
Achieved: accompanied S1, S2, S3 = 3; openings S1, S3 = 2; diagnostics 1;
structures with an ingénierie {S1, S3} = 2; collective ingénieries 1;
QPV 1/3 = 33.3 %; ZRR 2/3 = 66.7 %; culture 2/3 = 66.7 %.
DLA Finistère (29): S5 opened 2025-01-15: accompanied 1.
"""

import datetime

import pytest

from accompagnements.models import IngenierieKind, IngenierieStatus, State
from pilotage.models import Objective
from pilotage.progress import achieved, progress
from structures.models import Sector
from tests.accompagnements.factories import (
    AccompagnementFactory,
    DiagnosticFactory,
    IngenierieFactory,
    PlanActionFactory,
)
from tests.reporting.factories import journal
from tests.structures.factories import StructureFactory

D = datetime.date


def _at(day):
    return datetime.datetime(day.year, day.month, day.day, 10, tzinfo=datetime.UTC)


def _case(officer, structure, steps, state):
    case = AccompagnementFactory(
        structure=structure, officer=officer, dla=officer.dla, opened_on=steps[0][2], state=state
    )
    journal(case, officer, [(a, b, _at(day)) for a, b, day in steps])
    return case


@pytest.fixture
def activity(personas):
    a, b = personas.officer_a, personas.officer_b
    s1 = StructureFactory(in_qpv=True, sector=Sector.CULTURE)
    s2 = StructureFactory(in_zrr=True, sector=Sector.SPORT)
    s3 = StructureFactory(in_zrr=True, sector=Sector.CULTURE)
    s4 = StructureFactory(sector=Sector.CULTURE)
    c1 = _case(a, s1, [("", "accueil", D(2025, 2, 1))], State.ACCUEIL)
    DiagnosticFactory(
        accompagnement=c1, validated_by_name="Présidente", validated_on=D(2025, 3, 15)
    )
    _case(
        a,
        s2,
        [("", "accueil", D(2024, 11, 10)), ("accueil", "diagnostic", D(2024, 12, 1))],
        State.DIAGNOSTIC,
    )
    c3 = _case(a, s3, [("", "accueil", D(2025, 5, 5))], State.ACCUEIL)
    _case(
        a,
        s4,
        [("", "accueil", D(2023, 3, 1)), ("accueil", "abandonne", D(2024, 6, 30))],
        State.ABANDONNE,
    )
    individual = IngenierieFactory(dla=a.dla, start_on=D(2025, 6, 1))
    PlanActionFactory(accompagnement=c3, ingenierie_action=True, ingenierie=individual)
    collective = IngenierieFactory(
        dla=a.dla, kind=IngenierieKind.COLLECTIVE, start_on=D(2025, 9, 1)
    )
    cancelled = IngenierieFactory(
        dla=a.dla,
        kind=IngenierieKind.COLLECTIVE,
        start_on=D(2025, 10, 1),
        status=IngenierieStatus.ANNULEE,
    )
    for case in (c1, c3):
        PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie=collective)
    PlanActionFactory(accompagnement=c1, ingenierie_action=True, ingenierie=cancelled)
    _case(b, StructureFactory(in_finistere=True), [("", "accueil", D(2025, 1, 15))], State.ACCUEIL)


def test_achieved_figures_by_dla(activity, personas, django_assert_num_queries):
    dla_a, dla_b = personas.officer_a.dla_id, personas.officer_b.dla_id
    # Accompanied pairs, records as of 31 December, openings, diagnostics, structures
    # with an ingénierie, collective ingénieries: six, whatever the number of DLAs.
    with django_assert_num_queries(6):
        values = achieved([dla_a, dla_b], 2025)
    a = values[dla_a]
    assert (a["structures_accompagnees"], a["nouveaux_accompagnements"], a["diagnostics"]) == (
        3,
        2,
        1,
    )
    assert (a["structures_ingenierie"], a["ingenieries_collectives"]) == (2, 1)
    assert (a["part_qpv"], a["part_zrr"], a["part_secteur:culture"]) == (33.3, 66.7, 66.7)
    assert a["part_secteur:sport"] == 33.3
    assert values[dla_b]["structures_accompagnees"] == 1


def _objectives(personas):
    a, b = personas.officer_a.dla, personas.officer_b.dla
    rows = [
        (a, "structures_accompagnees", "", 4),
        (a, "diagnostics", "", 1),
        (a, "ingenieries_collectives", "", 2),
        (a, "part_qpv", "", 30),
        (a, "part_zrr", "", 70),
        (a, "part_secteur", "culture", 50),
        (b, "structures_accompagnees", "", 2),
    ]
    for dla, kind, sector, target in rows:
        Objective.objects.create(dla=dla, year=2025, kind=kind, sector=sector, target=target)
    return Objective.objects.select_related("dla")


def test_planned_vs_achieved_for_each_dla_and_added_up(activity, personas):
    result = progress(_objectives(personas), 2025, today=D(2025, 7, 2))
    by_name = {dla["name"]: dla["objectives"] for dla in result["dlas"]}
    rows = {row["label"]: row for row in by_name[str(personas.officer_a.dla)]}
    accompanied = rows["Structures accompagnées"]
    # 3 of 4 = 75.0 %; by 2 July (day 183 of 365) an even pace gives 4 × 183/365 = 2.0.
    assert (accompanied["achieved"], accompanied["rate"], accompanied["met"]) == (3, 75.0, False)
    assert accompanied["expected"] == 2.0
    assert (
        rows["Diagnostics partagés validés"]["rate"],
        rows["Diagnostics partagés validés"]["met"],
    ) == (100.0, True)
    assert rows["Ingénieries collectives démarrées"]["rate"] == 50.0
    qpv = rows["Part des structures accompagnées situées en QPV"]
    assert (qpv["target"], qpv["achieved"], qpv["met"], qpv["rate"]) == (30.0, 33.3, True, None)
    assert rows["Part des structures accompagnées situées en ZRR / zone rurale"]["met"] is False
    assert rows["Part des structures accompagnées d'un secteur : culture"]["met"] is True

    totals = {row["label"]: row for row in result["totals"]}
    # 4 + 2 planned, 3 + 1 achieved: 66.7 %.
    assert totals["Structures accompagnées"] == {
        "key": "structures_accompagnees",
        "label": "Structures accompagnées",
        "target": 6.0,
        "achieved": 4,
        "dlas": 2,
        "rate": 66.7,
    }
    assert [(row["label"], row["met"], row["of"]) for row in result["shares"]] == [
        ("Part des structures accompagnées situées en QPV", 1, 1),
        ("Part des structures accompagnées situées en ZRR / zone rurale", 0, 1),
        ("Part des structures accompagnées d'un secteur : culture", 1, 1),
    ]


def test_a_past_year_has_no_expected_to_date(activity, personas):
    result = progress(_objectives(personas), 2025, today=D(2026, 3, 1))
    assert {row["expected"] for dla in result["dlas"] for row in dla["objectives"]} == {None}


def test_without_detail_the_totals_are_the_same_and_no_dla_is_listed(activity, personas):
    # France's panel shows the totals alone: the same figures, the DLAs' rows not built.
    result = progress(_objectives(personas), 2025, today=D(2025, 7, 2), detail=False)
    assert result["dlas"] == []
    totals = {row["label"]: row for row in result["totals"]}
    assert (
        totals["Structures accompagnées"]["target"],
        totals["Structures accompagnées"]["achieved"],
    ) == (6.0, 4)
    assert totals["Structures accompagnées"]["rate"] == 66.7
    assert [(row["label"], row["met"], row["of"]) for row in result["shares"]] == [
        ("Part des structures accompagnées situées en QPV", 1, 1),
        ("Part des structures accompagnées situées en ZRR / zone rurale", 0, 1),
        ("Part des structures accompagnées d'un secteur : culture", 1, 1),
    ]
