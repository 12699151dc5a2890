"""Planned vs achieved and coverage on the regional dashboard and in the regional PDF."""

import datetime

from django.urls import reverse

from pilotage import etablissements
from pilotage.management.commands.load_etablissements_ess import SAMPLE
from pilotage.models import Objective
from reporting import figures
from reporting.indicators import Query, Scope
from reporting.report import render_html
from territoires.actors import SYSTEM
from tests.accompagnements.factories import AccompagnementFactory
from tests.reporting.factories import journal

YEAR = datetime.date.today().year


def _setup(personas):
    etablissements.load(SAMPLE.read_bytes())
    case = AccompagnementFactory(officer=personas.officer_a)
    opened = datetime.datetime(YEAR, 1, 5, 10, tzinfo=datetime.UTC)
    journal(case, personas.officer_a, [("", "accueil", opened)])
    Objective.objects.create(
        dla=personas.officer_a.dla, year=YEAR, kind="structures_accompagnees", target=4
    )


def test_the_regional_dashboard_shows_objectives_and_coverage(personas, client_for):
    _setup(personas)
    body = client_for(personas.coordinator).get(reverse("reporting:dashboard")).content.decode()
    assert "Objectifs des DLA" in body
    assert "Couverture du territoire" in body
    # One case opened today in Ille-et-Vilaine: 1 of 4 planned, 25.0 %.
    assert "25,0 %" in body
    # Ille-et-Vilaine in the sample: 4 847 establishments; 1 structure → 0,0 per 100.
    assert "35 – Ille-et-Vilaine" in body
    assert "pygal-maps-fr" in body


def test_the_regional_report_freezes_and_prints_planned_vs_achieved(personas):
    _setup(personas)
    data = figures.build(Query(YEAR, Scope.for_region(personas.region), SYSTEM), public=True)
    objectives = data["panels"]["pilotage"]["objectifs"]
    assert objectives["totals"][0]["target"] == 4.0
    assert objectives["totals"][0]["achieved"] == 1
    html = render_html(data)
    assert "Objectifs des DLA" in html
    assert "Couverture du territoire" in html
    assert "pygal-maps-fr" in html
    # Published: the department counts under 5 structures are hidden.
    assert "Les parts en ZRR et en QPV" in html
