"""The menu: grouped by task, one entry marked current, Administration for admins only."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def nav_of(page: str) -> str:
    return re.search(r'<nav class="site-nav".*?</nav>', page, re.S).group(0)


def groups(nav: str) -> list[str]:
    return re.findall(r'<p class="site-nav__title"[^>]*>([^<]+)</p>', nav)


def current(nav: str) -> list[str]:
    return re.findall(r'aria-current="page">([^<]+)</a>', nav)


def test_an_officer_sees_the_menu_grouped_by_task(client_for, personas):
    nav = nav_of(client_for(personas.officer_a).get("/").text)
    assert groups(nav) == ["Mon travail", "Registres", "Pilotage", "Mon compte"]
    assert "Administration" not in nav


def test_an_admin_gets_the_administration_link(client_for, personas):
    nav = nav_of(client_for(personas.admin).get("/").text)
    assert "Administration" in groups(nav)
    assert f'href="{reverse("admin:index")}"' in nav


@pytest.mark.parametrize(
    ("url", "entry"),
    [
        ("/", "Accueil"),
        ("accompagnements:list", "Accompagnements"),
        # The workboard's address starts with the case list's: only the workboard is current.
        ("accompagnements:workboard", "Tableau de suivi"),
        ("accompagnements:notifications", "Rappels"),
        ("jetons:list", "Jetons d'API"),
    ],
)
def test_one_entry_is_current_at_a_time(client_for, personas, url, entry):
    path = url if url.startswith("/") else reverse(url)
    nav = nav_of(client_for(personas.officer_a).get(path).text)
    assert current(nav) == [entry.replace("'", "&#x27;")]
    assert len(re.findall("site-nav__group--current", nav)) == 1


def test_the_menu_button_is_a_real_button_hidden_until_the_script_runs(client_for, personas):
    nav = nav_of(client_for(personas.officer_a).get("/").text)
    assert re.search(
        r'<button type="button" class="site-nav__toggle" aria-expanded="false" '
        r'aria-controls="site-menu" hidden>Menu</button>',
        nav,
    )
    assert 'id="site-menu"' in nav
