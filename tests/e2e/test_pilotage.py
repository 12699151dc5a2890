"""A coordinator reviews the region's budgets and objectives, then a DLA's page; the map."""

import datetime

import pytest
from playwright.sync_api import expect

from pilotage import etablissements
from pilotage.management.commands.load_etablissements_ess import SAMPLE
from pilotage.models import Objective
from pilotage.services import commit
from tests.accompagnements.factories import IngenierieFactory
from tests.accounts.factories import regional_state_service
from tests.e2e.axe import audit
from tests.e2e.conftest import login, screenshot
from tests.pilotage.factories import contribute, convention

pytestmark = pytest.mark.e2e


@pytest.fixture
def steering(personas):
    """DLA 35: fund 10 000 €, 8 500 committed (85 %: alert); DLA 29: fund 12 000 €, nothing."""
    year = datetime.date.today().year
    etablissements.load(SAMPLE.read_bytes())
    state = regional_state_service("53")
    for officer, fund in ((personas.officer_a, 10000), (personas.officer_b, 12000)):
        contribute(convention(officer.dla, year, year), year, state, ingenierie=fund)
        Objective.objects.create(
            dla=officer.dla, year=year, kind="structures_accompagnees", target=30
        )
    commit(
        IngenierieFactory(dla=personas.officer_a.dla, title="Modèle économique"),
        funder="etat",
        amount=8500,
        committed_on=datetime.date(year, 1, 10),
        by=personas.officer_a,
    )
    return year


def test_coordinator_reviews_the_regions_budgets_and_objectives(page, personas, steering):
    login(page, personas.coordinator)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Pilotage"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(steering))
    table = page.get_by_role("table", name="Fonds d'ingénierie")
    row_a = table.get_by_role("row").filter(has_text=str(personas.officer_a.dla))
    expect(row_a).to_contain_text("85,0 %")
    expect(row_a).to_contain_text("80 % du fonds engagé")
    expect(table.get_by_role("row").filter(has_text=str(personas.officer_b.dla))).to_contain_text(
        "12"
    )
    objectives = page.get_by_role("table", name=f"Objectifs {steering} en nombre")
    expect(objectives).to_contain_text("Structures accompagnées")
    screenshot(page, "pilotage-regional")
    assert not audit(page, "pilotage-regional")

    row_a.get_by_role("link", name=str(personas.officer_a.dla)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(personas.officer_a.dla))
    expect(page.get_by_text("Modèle économique")).to_be_visible()
    # A coordinator reads another DLA's steering but does not write it.
    expect(page.get_by_role("link", name="Nouvelle convention")).to_have_count(0)
    screenshot(page, "pilotage-dla")

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Tableaux de bord"
    ).click()
    coverage = page.get_by_role("heading", name="Couverture du territoire")
    expect(coverage).to_be_visible()
    expect(page.get_by_role("img", name="Couverture")).to_be_visible()
    expect(page.get_by_text("pygal-maps-fr").first).to_be_visible()
    screenshot(page, "tableau-de-bord-couverture")
    assert not audit(page, "tableau-de-bord-couverture")
