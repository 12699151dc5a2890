"""axe-core on every main page, forms with their errors displayed; keyboard-only use."""

import re

import pytest
from playwright.sync_api import expect

from accompagnements.models import State
from tests.accompagnements.factories import (
    AccompagnementFactory,
    ActeurAppuiFactory,
    ComiteAppuiFactory,
    PrestataireFactory,
)
from tests.e2e.axe import audit
from tests.e2e.conftest import TASK_TIMEOUT_MS, login, screenshot
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(personas):
    structure = StructureFactory(name="Les Ateliers du Vent")
    case = AccompagnementFactory(
        officer=personas.officer_a,
        structure=structure,
        state=State.PARCOURS,
        diagnostic_validated=True,
        plan_with_ingenierie=True,
    )
    AccompagnementFactory(
        officer=personas.officer_a, state=State.DIAGNOSTIC, state_entered_at="2020-01-01T00:00Z"
    )
    PrestataireFactory()
    ActeurAppuiFactory()
    ComiteAppuiFactory()
    return {"structure": structure, "case": case, "ingenierie": case.ingenieries.first()}


def check_pages(page, pages):
    """Visit each page (URL or a callable that gets there), audit it, screenshot it."""
    failures = {}
    for name, target in pages:
        if callable(target):
            target(page)
        else:
            page.goto(target)
        expect(page.locator("main")).to_be_visible()
        check_page_basics(page, name)
        screenshot(page, name)
        if blocking := audit(page, name):
            failures[name] = blocking
    assert not failures, failures


def check_page_basics(page, name):
    """French language, a page title, the landmarks, and charts with their figures as text."""
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.title().endswith("– DLA Suivi"), f"{name}: titre « {page.title()} »"
    assert page.title() != "DLA Suivi – DLA Suivi", f"{name}: titre de page générique"
    for landmark in ("banner", "main", "contentinfo"):
        expect(page.get_by_role(landmark)).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    for chart in page.locator("main svg").all():
        labelled = chart.evaluate(
            "svg => svg.getAttribute('aria-hidden') === 'true'"
            " || !!(svg.getAttribute('aria-label') || svg.getAttribute('aria-labelledby')"
            " || svg.querySelector('title'))"
        )
        assert labelled, f"{name}: graphique SVG sans alternative textuelle"
    for figure in page.locator("main figure:has(svg)").all():
        expect(figure.locator("table")).to_have_count(1)
    # Errors and help texts are tied to their fields: every reference points somewhere.
    dangling = page.evaluate(
        """() => [...document.querySelectorAll("[aria-describedby]")].flatMap(el =>
            el.getAttribute("aria-describedby").split(/\\s+/)
              .filter(id => id && !document.getElementById(id)))"""
    )
    assert not dangling, f"{name}: aria-describedby vers des éléments absents : {dangling}"


def submit_empty(url):
    def go(page):
        page.goto(url)
        with page.expect_navigation():
            page.locator('main form button[type="submit"]').last.click()
        expect(page.locator(".field-errors, .form-errors").first).to_be_visible()

    return go


def test_public_pages_are_accessible(page, personas):
    def wrong_password(page):
        page.goto("/connexion/")
        page.locator('[name="username"]').fill("alice")
        page.locator('[name="password"]').fill("pas-le-bon")
        with page.expect_navigation():
            page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("alert")).to_be_visible()

    check_pages(
        page,
        [
            ("connexion", "/connexion/"),
            ("connexion-erreurs", wrong_password),
            ("connexion-vide", submit_empty("/connexion/")),
            ("declaration-accessibilite", "/accessibilite/"),
        ],
    )


def filter_structures_in_place(page):
    """htmx swaps the results in place; the live region and the URL follow."""
    page.goto("/structures/")
    search = page.get_by_role("search")
    search.locator('[name="q"]').fill("ateliers vent")
    search.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"q=ateliers"))
    results = page.locator("#structures-results[aria-live='polite']")
    expect(results).to_contain_text("Les Ateliers du Vent")
    expect(results).not_to_have_attribute("aria-busy", "true")


def test_officer_pages_are_accessible(page, personas, world):
    case, structure, ingenierie = world["case"], world["structure"], world["ingenierie"]
    login(page, personas.officer_a)
    check_pages(
        page,
        [
            ("officer-accueil", "/"),
            ("officer-structures", "/structures/"),
            ("officer-structures-filtrees", "/structures/?q=vent"),
            ("officer-structures-filtre-htmx", filter_structures_in_place),
            ("officer-structures-filtre-invalide", "/structures/?size_class=zzz"),
            ("officer-structure", f"/structures/{structure.pk}/"),
            ("officer-structure-nouvelle", "/structures/nouvelle/"),
            (
                "officer-structure-nouvelle-erreurs",
                submit_empty("/structures/nouvelle/"),
            ),
            ("officer-structure-modifier", f"/structures/{structure.pk}/modifier/"),
            ("officer-structure-contacts", f"/structures/{structure.pk}/contacts/"),
            ("officer-structures-import", "/structures/importer/"),
            ("officer-accompagnements", "/accompagnements/"),
            ("officer-accompagnement", f"/accompagnements/{case.pk}/"),
            ("officer-tableau-de-suivi", "/accompagnements/tableau-de-suivi/"),
            (
                "officer-ouvrir-erreurs",
                submit_empty(f"/accompagnements/ouvrir/{StructureFactory().pk}/"),
            ),
            ("officer-diagnostic", f"/accompagnements/{case.pk}/diagnostic/"),
            ("officer-parcours", f"/accompagnements/{case.pk}/parcours/"),
            ("officer-action", f"/accompagnements/{case.pk}/parcours/actions/ajouter/"),
            ("officer-ingenierie", f"/accompagnements/ingenieries/{ingenierie.pk}/"),
            (
                "officer-ingenierie-modifier",
                f"/accompagnements/ingenieries/{ingenierie.pk}/modifier/",
            ),
            (
                "officer-suivi-erreurs",
                submit_empty(f"/accompagnements/{case.pk}/suivi/ajouter/"),
            ),
            ("officer-acteurs", "/accompagnements/acteurs/"),
            ("officer-comites", "/accompagnements/comites/"),
            ("officer-rappels", "/accompagnements/rappels/"),
            ("officer-tableau-de-bord", "/pilotage/"),
            ("officer-indicateurs", "/pilotage/indicateurs/"),
            ("officer-mot-de-passe", "/mot-de-passe/"),
            ("erreur-403", "/pilotage/statistiques/"),
            ("erreur-404", "/structures/999999/"),
        ],
    )


def test_coordinator_pages_are_accessible(page, personas, world):
    def report_job(page):
        page.goto("/pilotage/rapports/")
        with page.expect_navigation():
            page.get_by_role("button", name="Produire le rapport").click()
        expect(page.get_by_role("link", name="Télécharger le fichier")).to_be_visible(
            timeout=TASK_TIMEOUT_MS
        )

    login(page, personas.coordinator)
    check_pages(
        page,
        [
            ("coordinator-accueil", "/"),
            ("coordinator-tableau-de-bord", "/pilotage/"),
            ("coordinator-rapports", "/pilotage/rapports/"),
            ("coordinator-rapport-pret", report_job),
            ("coordinator-accompagnement-lecture", f"/accompagnements/{world['case'].pk}/"),
            ("coordinator-prestataires", "/accompagnements/prestataires/"),
            ("coordinator-prestataire-nouveau", "/accompagnements/prestataires/ajouter/"),
        ],
    )


def test_national_pages_are_accessible(page, personas, world):
    login(page, personas.national)
    check_pages(
        page,
        [
            ("national-accueil", "/"),
            ("national-tableau-de-bord", "/pilotage/"),
            ("national-statistiques", "/pilotage/statistiques/"),
            ("national-structures", "/structures/"),
            ("national-accompagnements", "/accompagnements/"),
        ],
    )


OVERFLOWING_OUTSIDE_TABLES = """() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll("body *")]
        .filter(el => el.getBoundingClientRect().right > width + 1)
        .filter(el => !el.closest("table, .table-container, .skip-link"))
        .map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
}"""


def test_pages_reflow_at_320_pixels_except_data_tables(page, personas, world):
    """WCAG 1.4.10: at 320 px only data tables (two-dimensional content) may scroll sideways."""
    case, structure = world["case"], world["structure"]
    login(page, personas.officer_a)
    page.set_viewport_size({"width": 320, "height": 640})
    overflowing = {}
    for url in [
        "/",
        "/structures/",
        "/structures/nouvelle/",
        f"/structures/{structure.pk}/",
        "/accompagnements/",
        f"/accompagnements/{case.pk}/",
        f"/accompagnements/{case.pk}/diagnostic/",
        "/accompagnements/tableau-de-suivi/",
        "/pilotage/",
        "/accessibilite/",
    ]:
        page.goto(url)
        if elements := page.evaluate(OVERFLOWING_OUTSIDE_TABLES):
            overflowing[url] = elements[:5]
    screenshot(page, "etroit-accessibilite")
    assert not overflowing, overflowing
