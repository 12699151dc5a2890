"""An officer runs a case through every phase in the browser; réorientation; read-only view."""

import re

import pytest
from playwright.sync_api import expect

from accompagnements.models import Accompagnement, State
from tests.accompagnements.factories import (
    AccompagnementFactory,
    ActeurAppuiFactory,
    PrestataireFactory,
)
from tests.e2e.conftest import login, screenshot
from tests.e2e.pages import expect_state, fill_form, submit, transition

pytestmark = pytest.mark.e2e


def test_officer_registers_a_structure_and_takes_it_to_a_closed_case(page, personas):
    chosen, other = PrestataireFactory(name="Conseil Armor"), PrestataireFactory(name="Ouest RH")
    login(page, personas.officer_a)

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Structures"
    ).click()
    screenshot(page, "structures-liste")
    page.get_by_role("link", name="Enregistrer une structure").click()
    form = page.locator("main form")
    fill_form(
        form,
        {
            "name": "Compagnie du Bout du Monde",
            "rna": "W351234567",
            "legal_form": "association",
            "sector": "culture",
            "postal_code": "35000",
            "commune": "Rennes",
            "headcount": 6,
            "cdi_count": 4,
            "cdd_count": 2,
        },
    )
    screenshot(page, "structure-formulaire")
    submit(form, "Enregistrer")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compagnie du Bout du Monde")
    screenshot(page, "structure-fiche")

    page.get_by_role("link", name="Ouvrir un accompagnement").click()
    form = page.locator("main form")
    fill_form(
        form,
        {"channel": "reseau", "request": "Consolider les emplois", "opened_on": "2026-01-05"},
    )
    submit(form)
    expect_state(page, "accueil")
    case = Accompagnement.objects.get(structure__name="Compagnie du Bout du Monde")

    transition(page, "start_diagnostic")
    expect_state(page, "diagnostic")
    page.get_by_role("link", name="Rédiger le diagnostic").click()
    form = page.locator("main form")
    fill_form(
        form,
        {
            "first_interview_on": "2026-01-10",
            "last_interview_on": "2026-01-20",
            "summary": "Fragilité du modèle économique.",
            "validated_by_name": "Mme Durand, présidente",
            "validated_on": "2026-01-25",
        },
    )
    submit(form)
    expect(page.get_by_text("Validé par Mme Durand, présidente")).to_be_visible()

    transition(page, "start_parcours")
    expect_state(page, "parcours")
    page.get_by_role("link", name="Élaborer le parcours").click()
    form = page.locator("main form")
    fill_form(
        form,
        {
            "priorities": "Modèle économique",
            "validated_by_name": "Mme Durand",
            "validated_on": "2026-02-01",
        },
    )
    submit(form)
    page.get_by_role("link", name="Ajouter une ingénierie").click()
    form = page.locator("main form")
    fill_form(form, {"kind": "individuelle", "title": "Modèle éco", "theme": "restructuration"})
    submit(form)

    # Consultation: two consultants answer, one is chosen, the other is told.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Modèle éco")
    for prestataire, score in ((chosen, 61), (other, 48)):
        form = page.locator(
            "form", has=page.get_by_role("button", name="Enregistrer la proposition")
        )
        fill_form(form, {"prestataire": prestataire.pk, "score": score, "max_score": 70})
        submit(form)
        expect(page.get_by_role("cell", name=re.compile(prestataire.name))).to_be_visible()
    # Funding is committed on its own page, against the DLA's ingénierie fund.
    page.get_by_role("link", name="Engager un financement").click()
    form = page.locator("main form")
    fill_form(form, {"funder": "etat", "amount": "4000"})
    # This DLA has no convention in the test data: its fund is empty, so the line needs
    # the overrun confirmation (journaled).
    form.locator('[name="confirm_overrun"]').check()
    submit(form)
    expect(page.get_by_text("Financement engagé.")).to_be_visible()
    page.get_by_role("link", name="Modifier l'ingénierie").click()
    form = page.locator("main form")
    fill_form(
        form,
        {
            "selected_prestataire": chosen.pk,
            "days": "4",
            "daily_rate": "1000",
            "status": "attribuee",
        },
    )
    submit(form)
    expect(page.get_by_text("retenu", exact=True)).to_be_visible()
    # Every candidate is told the outcome.
    inform = page.get_by_role("button", name="Noter comme informé·e")
    for remaining in (2, 1):
        expect(inform).to_have_count(remaining)
        with page.expect_navigation():
            inform.first.click()
    expect(inform).to_have_count(0)
    for prestataire in (chosen, other):
        expect(page.get_by_role("row", name=re.compile(prestataire.name))).to_contain_text("oui")
    screenshot(page, "ingenierie")

    page.goto(case.get_absolute_url())
    transition(page, "start_coordination")
    expect_state(page, "coordination")
    page.get_by_role("link", name="Modèle éco").first.click()
    page.get_by_role("link", name="Modifier l'ingénierie").click()
    form = page.locator("main form")
    fill_form(form, {"status": "terminee", "satisfaction": 4})
    submit(form)

    page.goto(case.get_absolute_url())
    transition(page, "start_suivi")
    expect_state(page, "suivi")
    page.get_by_role("link", name="Enregistrer un point de suivi").click()
    form = page.locator("main form")
    fill_form(
        form,
        {
            "checked_on": "2026-09-01",
            "headcount": 7,
            "fte": "6.5",
            "cdi_count": 5,
            "cdd_count": 2,
            "situation": "consolidee",
            "satisfaction": 4,
        },
    )
    submit(form)
    transition(page, "close", comment="Objectifs atteints")
    expect_state(page, "clôturé")
    timeline = page.locator("ol.timeline")
    # The opening and five transitions; the record's changes are in the timeline too.
    expect(timeline.locator("li.timeline__entry--phases")).to_have_count(6)
    expect(timeline).to_contain_text("Objectifs atteints")
    screenshot(page, "accompagnement-cloture")

    case.refresh_from_db()
    assert case.state == State.CLOTURE
    ingenierie = case.ingenieries.get()
    assert ingenierie.selected_prestataire == chosen
    assert ingenierie.cost == 4000


def test_officer_reorients_a_structure_to_another_support_actor(page, personas):
    case = AccompagnementFactory(officer=personas.officer_a)
    acteur = ActeurAppuiFactory(name="Incubateur Breizh")
    login(page, personas.officer_a)
    page.goto(case.get_absolute_url())
    # The exits are folded away, secondary to the forward action, and asked once more.
    page.get_by_text("Autres issues : abandon, réorientation").click()
    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    transition(page, "reorient", reason="not_eligible", acteur=acteur.pk)
    assert asked
    assert "Réorienter la structure" in asked[0]
    expect_state(page, "réorienté")
    expect(page.get_by_text("Incubateur Breizh")).to_be_visible()
    case.refresh_from_db()
    assert case.reoriented_to == acteur


def test_coordinator_opens_the_case_read_only(page, personas):
    case = AccompagnementFactory(officer=personas.officer_a, state=State.DIAGNOSTIC)
    login(page, personas.coordinator)
    page.goto(case.get_absolute_url())
    expect(page.get_by_text("Vous consultez cet accompagnement en lecture seule.")).to_be_visible()
    expect(page.locator('form[action*="/transition/"]')).to_have_count(0)
    expect(page.get_by_role("heading", name="Faire évoluer l'accompagnement")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("diagnostic", re.I))).to_have_count(0)
    screenshot(page, "accompagnement-lecture-seule")
