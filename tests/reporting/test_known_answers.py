"""The known-answer data set (known_answers.py): figures worked out by hand, as literals.

Each expected value is derived in a comment from the case list in known_answers.py,
never computed by the project's code, then checked against the registry at every
level, the dashboard, the indicator export and the report.
"""

import pytest
from django.urls import reverse

from accompagnements.services import advance
from reporting import exports, figures
from reporting.indicators import Query, Scope, compute
from reporting.report import render_html
from structures.models import Structure
from territoires.actors import SYSTEM
from territoires.models import Departement, Region

from .known_answers import build_known_answers
from .test_exports import parse_csv


@pytest.fixture
def known(personas):
    return build_known_answers(personas)


def national(year):
    return compute(Query(year, Scope.national(), SYSTEM))


def in_departement(year, code):
    return compute(Query(year, Scope.for_departement(Departement.objects.get(code=code)), SYSTEM))


def in_region(year, code):
    return compute(Query(year, Scope.for_region(Region.objects.get(code=code)), SYSTEM))


def test_activity_of_2025_comes_from_the_events_of_2025(known):
    f = national(2025)
    # Accompanied in 2025: K2, K3 (parcours until 15 January), K5 (in diagnostic until its
    # abandonment dated 1 January 2025 in Paris), K6, K7, K9, K10, K11, K12. Not K1 (réorientée
    # in 2024), K4 (opened 1 January 2026 in Paris), K8 (the whole year in suivi).
    assert f["ACT_STRUCTURES"] == 9
    assert f["ACT_CASES"] == 9
    # Opened in 2025: K2, K6, K7, K9, K10, K11, K12.
    assert f["ACT_NEW_CASES"] == 7
    # K6, K7, K9; K10's date has no validator; K3's was validated in 2024.
    assert f["ACT_DIAGNOSTICS"] == 3
    # K6 and K7 share the collective ingénierie started on 1 April 2025.
    assert f["ACT_STRUCTURES_INGENIERIE"] == 2
    # K3 closed twice (1 March, 30 November), reopened once (1 May).
    assert f["ACT_CLOSED"] == 2
    assert f["ACT_REOPENED"] == 1
    # K2 (30 June, no answer) and K5 (31 December 2024 23:30 UTC = 1 January 2025, ceased),
    # both counted although K2 was reopened in 2026.
    assert f["ACT_ABANDONED"] == 2
    assert f["ACT_ABANDONED_REASON"] == {
        "declined_plan": 0,
        "no_answer": 1,
        "ceased": 1,
        "no_capacity": 0,
        "autre": 0,
    }
    assert f["ACT_REORIENTED"] == 0
    # K3's closures after 181 and 181 + 213 = 394 days open: median (181 + 394) / 2.
    assert f["ACT_CASE_MEDIAN_DAYS"] == 287.5


def test_structures_of_2025_by_characteristic(known):
    f = national(2025)
    # Associations: K2, K3, K5, K9, K10, K11, K12; SCOP K6; SCIC K7.
    assert f["STR_LEGAL_FORM"]["association"] == 7
    assert f["STR_LEGAL_FORM"]["scop"] == 1
    assert f["STR_LEGAL_FORM"]["scic"] == 1
    # Culture: K2, K5, K6, K9, K10, K12; sport: K3, K7, K11.
    assert f["STR_SECTOR"]["culture"] == 6
    assert f["STR_SECTOR"]["sport"] == 3
    # 0: K10; 1-9: K2 (3), K5 (4), K7 (8), K9 (1), K11 (2); 10-49: K3 (12), K6 (20); 50+: K12.
    assert f["STR_SIZE_CLASS"] == {"0": 1, "1-9": 5, "10-49": 2, "50+": 1}
    # 3 + 12 + 4 + 20 + 8 + 1 + 0 + 2 + 60.
    assert f["STR_JOBS"] == 110
    assert f["STR_DEPARTEMENT"]["35"] == 6
    assert f["STR_DEPARTEMENT"]["29"] == 2
    assert f["STR_DEPARTEMENT"]["44"] == 1
    assert f["STR_REGION"]["53"] == 8
    assert f["STR_REGION"]["52"] == 1


def test_ingenieries_and_follow_ups_of_2025(known):
    f = national(2025)
    # One collective ingénierie, counted once although it serves two departments.
    assert f["ING_STARTED"] == 1
    assert f["ING_COLLECTIVE"] == 1
    assert f["ING_INDIVIDUAL"] == 0
    assert f["ING_SPENDING"] == 6000
    assert f["ING_DAYS"] == 6.0
    assert f["ING_THEME"]["projet_strategie"] == 1
    # K8's follow-up of 1 March 2025 (its case is not accompanied in 2025).
    assert f["SUI_FOLLOWUPS"] == 1
    assert f["SUI_JOBS"] == 32


def test_phase_durations_of_2025(known):
    # Phases left in 2025 (days between journal rows):
    # accueil: K2 10, K6 14, K7 15, K9 19, K10 9 → 14;
    # diagnostic: K2 161, K5 204.56 (10 June 10:00 to 31 December 23:30 UTC), K6 28, K7 28,
    # K9 31 → 31; parcours: K3 45, K6 17, K7 12 → 17; suivi: K3 45 and 213 → 129.
    assert national(2025)["PAR_PHASE_MEDIAN_DAYS"] == {
        "accueil": 14,
        "diagnostic": 31,
        "parcours": 17,
        "coordination": None,
        "suivi": 129,
    }


def test_2024_keeps_its_reorientation_after_the_2026_reopening(known):
    f = national(2024)
    # K1 (réorientée in April), K3 (opened in September), K5 (June), K8 (in coordination
    # until 10 January 2024).
    assert f["ACT_STRUCTURES"] == 4
    assert f["ACT_NEW_CASES"] == 3
    assert f["ACT_REORIENTED"] == 1
    assert f["ACT_REORIENTED_REASON"]["out_of_scope"] == 1
    assert f["ACT_REORIENTED_DESTINATION"]["incubateur"] == 1
    # K5's abandonment is dated 1 January 2025 in Paris.
    assert f["ACT_ABANDONED"] == 0
    assert f["ACT_CLOSED"] == 0


def test_2026_counts_the_reopenings_and_the_new_year_opening(known):
    f = national(2026)
    # K4, opened at 23:30 UTC on 31 December 2025.
    assert f["ACT_NEW_CASES"] == 1
    # K1 (1 February) and K2 (15 January).
    assert f["ACT_REOPENED"] == 2
    # K1, K2 (back in diagnostic), K4, K6, K7, K9, K10, K11, K12.
    assert f["ACT_STRUCTURES"] == 9


def test_2025_by_department_and_region(known):
    assert in_departement(2025, "35")["ACT_STRUCTURES"] == 6
    assert in_departement(2025, "29")["ACT_STRUCTURES"] == 2
    assert in_departement(2025, "44")["ACT_STRUCTURES"] == 1
    assert in_departement(2025, "22")["ACT_STRUCTURES"] == 0
    assert in_departement(2025, "35")["ACT_CLOSED"] == 2
    assert in_departement(2025, "29")["ACT_ABANDONED"] == 1
    # The collective ingénierie belongs to the DLA of 35 that commissions it...
    assert in_departement(2025, "35")["ING_COLLECTIVE"] == 1
    assert in_departement(2025, "29")["ING_COLLECTIVE"] == 0
    # ...while each structure it serves counts where it is.
    assert in_departement(2025, "29")["ACT_STRUCTURES_INGENIERIE"] == 1
    region = in_region(2025, "53")
    assert region["ACT_STRUCTURES"] == 8
    assert region["ACT_ABANDONED"] == 2
    assert in_region(2025, "52")["ACT_STRUCTURES"] == 1


def test_reopening_and_editing_now_leave_2025_unchanged(known, personas):
    before = national(2025)
    k3 = known.cases["k3"]
    advance(k3, "reopen", by=personas.officer_a, comment="Nouvelle demande de la structure.")
    k3.refresh_from_db()
    assert k3.closed_on is None
    structure = Structure.objects.get(pk=known.structures["k12"].pk)
    structure.headcount = 5
    structure.sector = "sport"
    structure.save()
    assert national(2025) == before
    # The reopening is an event of today's year, not of 2025.
    assert national(2026)["ACT_REOPENED"] == 3


def test_structure_characteristics_are_those_of_31_december(known):
    k12 = Structure.objects.get(pk=known.structures["k12"].pk)
    history = Structure.history.model.objects
    history.filter(id=k12.pk).update(history_date="2025-01-02T09:00:00+00:00")
    k12.headcount = 55
    k12.save()
    history.filter(id=k12.pk, headcount=55).update(history_date="2025-07-01T09:00:00+00:00")
    k12.headcount = 70
    k12.save()
    # 2025 reads the record of 1 July 2025 (55), not today's 70: 110 - 60 + 55.
    assert national(2025)["STR_JOBS"] == 105


def test_dashboard_export_and_report_show_the_known_answers(
    known, personas, client_for, django_capture_on_commit_callbacks
):
    client = client_for(personas.national)
    dashboard = client.get(reverse("reporting:dashboard"), {"annee": 2025}).context["data"]
    assert dashboard["totals"]["ACT_STRUCTURES"] == 9
    assert dashboard["totals"]["ACT_ABANDONED"] == 2
    assert dashboard["by_territory"]["ACT_STRUCTURES"]["53"] == 8
    content = exports.export_file(Query(2025, Scope.national(), SYSTEM), "indicateurs", "csv")
    national_rows = {
        row[1]: row[10] for row in parse_csv(content)[1:] if row[4] == "national" and not row[7]
    }
    assert national_rows["ACT_STRUCTURES"] == "9"
    assert national_rows["ACT_REOPENED"] == "1"
    assert national_rows["ACT_CASE_MEDIAN_DAYS"] == "287,5"
    data = figures.build(Query(2025, Scope.national(), SYSTEM), public=True)
    html = render_html(data)
    assert "Réouvertures" in html
    assert "287,5" in html


def test_the_2025_publication_hides_small_cells_and_their_complements(known):
    from reporting import publication
    from reporting.disclosure import witnesses

    from .test_disclosure import assert_not_determined

    published = publication.build(2025)
    # Structures: France 9 = Bretagne 8 + Pays de la Loire 1; Bretagne = 35 (6) + 29 (2).
    # Primary: 29, 44, 52 (under 5). 52 is France − 53, so 53 goes; then 35 goes with 29,
    # and the single structure of 44 (who knows 52 = 1) cannot get 29 from 53 = 8.
    public = {
        territory: published.public("ACT_STRUCTURES", level, territory)
        for level, territory in [
            ("national", ""),
            ("region", "53"),
            ("region", "52"),
            ("region", "11"),
            ("departement", "35"),
            ("departement", "29"),
            ("departement", "22"),
            ("departement", "44"),
        ]
    }
    assert public == {
        "": 9,
        "53": "s",
        "52": "s",
        "11": 0,
        "35": "s",
        "29": "s",
        "22": 0,
        "44": "s",
    }
    # Jobs rest on the same structures: 110 in France, hidden below.
    assert published.public("STR_JOBS", "national") == 110
    assert published.public("STR_JOBS", "departement", "35") == "s"
    # The breakdown by department repeats the same cells (the map of the PDF).
    assert published.public("STR_DEPARTEMENT", "national", "", "29") == "s"
    # France is published in full, so a cell below it cannot be protected when France's
    # figure itself rests on fewer than 5 structures: e.g. the 2 closures of 2025, both K3's.
    assert ("ACT_CLOSED", "region", "53", "") in published.plan.unprotected
    # Nor when France's figure rests on 5 structures, one of them alone in its hidden cell
    # (the singleton rule above): size class 1-9, France 5 = Bretagne 4 (K2, K5, K7, K11)
    # + Pays de la Loire 1 (K9 alone), every other region 0. K9 knows its own cell, so
    # Bretagne = 5 - 1 = 4 for K9. No complement helps: France is never hidden, and a
    # hidden 0 could only rise (Bretagne would be "at most 4", bounded by its true value).
    one_to_nine = ("STR_SIZE_CLASS", "region", "53", "1-9")
    assert one_to_nine in published.plan.unprotected
    # Any other reader cannot tell it: e.g. Bretagne 5 with Pays de la Loire 0, or 3 with 2.
    higher, lower = witnesses(published.table, published.plan, one_to_nine)
    assert lower[one_to_nine] < 4 < higher[one_to_nine]
    # The rule: France's figure, less one structure alone in a hidden cell of the same
    # indicator and category, rests on fewer than 5 structures.
    for cell in published.plan.unprotected:
        code, _, _, category = cell
        france = published.table.cells[(code, "national", "", category)].contributors
        alone = any(
            other != cell
            and (other[0], other[3]) == (code, category)
            and published.table.cells[other].contributors == 1
            for other in published.plan.hidden
        )
        assert france - alone < 5, cell
    assert not any(c[0] in ("ACT_STRUCTURES", "STR_JOBS") for c in published.plan.unprotected)
    assert_not_determined(published.table, published.plan)


def test_the_regional_report_and_the_export_show_the_same_hidden_cells(known):
    data = figures.build(
        Query(2025, Scope.for_region(Region.objects.get(code="53")), SYSTEM), public=True
    )
    assert data["public"]["totals"]["ACT_STRUCTURES"] == "s"
    assert data["public"]["by_territory"]["ACT_STRUCTURES"] == {
        "22": 0,
        "29": "s",
        "35": "s",
        "56": 0,
    }
    html = render_html(data)
    assert "Méthodologie" in html
    content = exports.export_file(Query(2025, Scope.national(), SYSTEM), "indicateurs", "csv")
    rows = {
        (row[4], row[5]): row[10]
        for row in parse_csv(content)[1:]
        if row[1] == "ACT_STRUCTURES" and not row[7]
    }
    assert rows[("region", "53")] == "s"
    assert rows[("departement", "29")] == "s"
    assert rows[("departement", "22")] == "0"
