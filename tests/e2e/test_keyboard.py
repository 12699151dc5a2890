"""Keyboard only: skip link, visible focus, login and opening a structure; the statement."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.accompagnements.factories import AccompagnementFactory
from tests.conftest import PASSWORD
from tests.e2e.axe import audit
from tests.e2e.conftest import login, screenshot
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.e2e

MAX_TABS = 60


def focused(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(),
                name: el.getAttribute("name"),
                text: (el.innerText || el.value || "").trim(),
                id: el.id,
                outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
            };
        }"""
    )


def tab_to(page: Page, matches) -> dict:
    """Press Tab until the focused element matches; every stop must show its focus.

    The element may already have the focus (the login form's username is autofocused).
    """
    element = focused(page)
    for _ in range(MAX_TABS):
        if matches(element):
            return element
        page.keyboard.press("Tab")
        element = focused(page)
        # "body": the focus left the document for the browser's own UI, then comes back.
        assert element["tag"] == "body" or element["outline"], f"focus invisible sur {element}"
    raise AssertionError(f"élément jamais atteint au clavier en {MAX_TABS} tabulations")


def test_skip_link_is_first_visible_on_focus_and_moves_to_the_content(page, personas):
    login(page, personas.officer_a)
    page.goto("/structures/")
    skip = page.get_by_role("link", name="Aller au contenu")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box, "lien d'évitement invisible"
    assert box["x"] >= 0, "lien d'évitement hors de l'écran"
    assert box["y"] >= 0, "lien d'évitement hors de l'écran"
    screenshot(page, "clavier-lien-evitement")
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
    # The next Tab goes to the first link of the content, not back to the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_login_and_open_a_structure_with_the_keyboard_alone(page, personas):
    structure = StructureFactory(name="Les Ateliers du Vent")
    page.goto("/connexion/")
    tab_to(page, lambda el: el["name"] == "username")
    page.keyboard.type(personas.officer_a.username)
    tab_to(page, lambda el: el["name"] == "password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    tab_to(page, lambda el: el["tag"] == "a" and el["text"] == "Structures")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Structures")
    tab_to(page, lambda el: el["tag"] == "a" and el["text"] == structure.name)
    screenshot(page, "clavier-focus-structure")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(structure.name)


def test_a_form_with_errors_says_so_and_focuses_the_first_field_in_error(page, personas):
    login(page, personas.officer_a)
    page.goto("/structures/nouvelle/")
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_title(re.compile(r"^Erreur dans le formulaire"))
    name = page.get_by_role("textbox", name="Nom", exact=True)
    expect(name).to_be_focused()
    expect(name).to_have_attribute("aria-invalid", "true")
    described = name.get_attribute("aria-describedby") or ""
    error_id = next(i for i in described.split() if i.endswith("_error"))
    expect(page.locator(f"#{error_id}")).to_contain_text(re.compile(r"\w"))


def test_accessibility_statement_is_public_linked_and_truthful(page):
    page.goto("/connexion/")
    page.get_by_role("contentinfo").get_by_role("link", name=re.compile("Accessibilité")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d'accessibilité")
    # The statement names the axe-core version the tests actually run.
    version = page.evaluate(Axe().axe_script + "; axe.version")
    expect(page.locator("#axe-version")).to_have_text(f"axe-core {version}")
    screenshot(page, "declaration-accessibilite")
    assert not audit(page, "declaration-accessibilite")


def test_officer_starts_the_diagnostic_with_the_keyboard_alone(page, personas):
    case = AccompagnementFactory(officer=personas.officer_a)
    login(page, personas.officer_a)
    page.goto(case.get_absolute_url())
    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Passer au diagnostic partagé")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1 .badge--state")).to_have_text(re.compile("diagnostic", re.I))
