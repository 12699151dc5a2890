"""Every persona's main pages at 1366 px and 320 px (WCAG 1.4.10 reflow), in French.

On each page, at both widths: the page never scrolls sideways (only a wide table
scrolls, inside its own region) and no English day or month name shows (« 30 nov.
2026 », never « 30 Nov 2026 »). The officer, the coordinator and the national
operator walk their main pages signed in; the structure opens the pages its
personal links lead to. At 320 px the navigation folds behind a menu button.
"""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from accompagnements.models import State
from liens.models import Purpose
from liens.services import issue_link
from liens.tokens import token_for
from tests.accompagnements.factories import (
    AccompagnementFactory,
    ActeurAppuiFactory,
    ComiteAppuiFactory,
    DiagnosticFactory,
    PrestataireFactory,
)
from tests.e2e.conftest import login, screenshot
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.e2e

WIDTHS = (1366, 320)
ENGLISH_DATES = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April"
    r"|June|July|August|September|October|November|December|Monday|Tuesday|Wednesday"
    r"|Thursday|Friday|Saturday|Sunday|Tue|Wed|Thu|Fri|Sat|Sun|a\.m\.|p\.m\.)\b"
)
# (« Mon » is left out: « Mon travail », « Mon compte » are French.)
SIDEWAYS = """() => {
    const root = document.documentElement;
    return {scroll: root.scrollWidth, client: root.clientWidth};
}"""
# What sticks out, to name it in the failure: the outermost elements past the right edge.
STICKING_OUT = """() => {
    const width = document.documentElement.clientWidth;
    const out = [...document.querySelectorAll("body *")]
        .filter(el => el.getBoundingClientRect().right > width + 1);
    return out.filter(el => !out.includes(el.parentElement)).slice(0, 4).map(el =>
        el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
        + " " + Math.round(el.getBoundingClientRect().right) + "px");
}"""


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
    # One case left long ago: its dates are shown too.
    AccompagnementFactory(
        officer=personas.officer_a,
        state=State.ABANDONNE,
        opened_on=datetime.date(2025, 5, 12),
        state_entered_at=datetime.datetime(2025, 6, 2, 10, 30, tzinfo=datetime.UTC),
    )
    in_diagnostic = AccompagnementFactory(officer=personas.officer_a, state=State.DIAGNOSTIC)
    DiagnosticFactory(accompagnement=in_diagnostic, summary="Gouvernance à clarifier.")
    PrestataireFactory()
    ActeurAppuiFactory()
    ComiteAppuiFactory()
    return {
        "structure": structure,
        "case": case,
        "ingenierie": case.ingenieries.first(),
        "in_diagnostic": in_diagnostic,
    }


def check(page: Page, url: str, problems: dict) -> None:
    """The page at each width: no sideways scroll, no English date; a screenshot at 320 px."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response is not None, url
        assert response.status < 400, f"{url}: {response.status}"
        expect(page.locator("main")).to_be_visible()
        size = page.evaluate(SIDEWAYS)
        if size["scroll"] > size["client"]:
            problems[f"{url} @ {width}px"] = f"défilement {size} : {page.evaluate(STICKING_OUT)}"
        if english := sorted(set(ENGLISH_DATES.findall(page.locator("body").inner_text()))):
            problems[f"{url} @ {width}px"] = f"date en anglais : {english}"
    screenshot(page, f"etroit-{url}")


def walk(page: Page, urls: list[str]) -> None:
    problems: dict[str, str] = {}
    for url in urls:
        check(page, url, problems)
    assert not problems, "\n".join(f"{where}: {problem}" for where, problem in problems.items())


def test_officer_pages_reflow_at_320_px_and_speak_french(page, personas, world):
    case, structure = world["case"], world["structure"]
    login(page, personas.officer_a)
    walk(
        page,
        [
            "/",
            reverse("accompagnements:workboard"),
            reverse("accompagnements:notifications"),
            reverse("accompagnements:taches"),
            "/structures/",
            "/structures/nouvelle/",
            f"/structures/{structure.pk}/",
            f"/structures/{structure.pk}/modifier/",
            "/accompagnements/",
            "/accompagnements/?statut=tous",
            f"/accompagnements/{case.pk}/",
            f"/accompagnements/{world['in_diagnostic'].pk}/diagnostic/",
            f"/accompagnements/{case.pk}/parcours/",
            f"/accompagnements/ingenieries/{world['ingenierie'].pk}/",
            reverse("accompagnements:prestataires"),
            reverse("accompagnements:comites"),
            reverse("accompagnements:acteurs"),
            reverse("reporting:dashboard"),
            reverse("pilotage:index"),
            reverse("password_change"),
            reverse("jetons:list"),
        ],
    )


def test_coordinator_pages_reflow_at_320_px_and_speak_french(page, personas, world):
    login(page, personas.coordinator)
    walk(
        page,
        [
            "/",
            "/structures/",
            "/accompagnements/",
            f"/accompagnements/{world['case'].pk}/",
            reverse("accompagnements:prestataires"),
            reverse("reporting:dashboard"),
            reverse("reporting:reports"),
            reverse("pilotage:index"),
        ],
    )


def test_national_pages_reflow_at_320_px_and_speak_french(page, personas, world):
    login(page, personas.national)
    walk(
        page,
        [
            "/",
            "/structures/",
            "/accompagnements/?statut=tous",
            reverse("reporting:dashboard"),
            reverse("reporting:exports"),
            reverse("pilotage:index"),
        ],
    )


def outside_url(purpose: str, target, by) -> str:
    link, _secret = issue_link(
        purpose=purpose, target=target, name="Lucie Martin", email="lucie@asso.example", by=by
    )
    return reverse("liens:open", args=[token_for(link.nonce)])


def test_the_pages_of_personal_links_reflow_at_320_px(
    browser: Browser, live_server, personas, world
):
    outside = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    diagnostic = outside_url(Purpose.DIAGNOSTIC, world["in_diagnostic"], personas.officer_a)
    parcours = outside_url(Purpose.PARCOURS, world["case"], personas.officer_a)
    problems: dict[str, str] = {}
    for url in (diagnostic, parcours):
        # The link opens a session and lands on the page it leads to.
        outside.goto(url)
        check(outside, outside.url.removeprefix(live_server.url), problems)
    outside.context.close()
    assert not problems, problems


def test_the_menu_folds_behind_a_button_at_320_px(page, personas):
    login(page, personas.officer_a)
    nav = page.get_by_role("navigation", name="Navigation principale")
    toggle = nav.get_by_role("button", name="Menu")
    expect(toggle).to_be_hidden()  # wide screen: the menu is in full
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/structures/")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Accompagnements")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    current = nav.locator('[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_text("Structures")
    screenshot(page, "etroit-menu-ouvert")
    nav.get_by_role("link", name="Accompagnements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accompagnements")
    # Escape folds it again and gives the focus back to the button.
    toggle.click()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()


def test_without_javascript_the_menu_stays_open_at_320_px(browser: Browser, live_server, personas):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        java_script_enabled=False,
        viewport={"width": 320, "height": 640},
    )
    page = context.new_page()
    login(page, personas.officer_a)
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("button", name="Menu")).to_be_hidden()
    expect(nav.get_by_role("link", name="Accompagnements")).to_be_visible()
    size = page.evaluate(SIDEWAYS)
    assert size["scroll"] <= size["client"], page.evaluate(STICKING_OUT)
    context.close()


def test_the_favicon_and_french_error_pages(page, personas):
    assert page.request.get("/favicon.ico").status == 200
    login(page, personas.officer_a)
    response = page.goto("/structures/999999/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
