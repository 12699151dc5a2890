"""Faster data entry and finding things (issue 17): the diagnostic's axes on one grid,
several contacts at once, the comités newest first, the consultant register sorted and
searched, the case list's free-text search."""

import datetime
import re

import pytest
from django.urls import reverse

from accompagnements.models import Axis
from tests.accompagnements.factories import (
    AccompagnementFactory,
    ComiteAppuiFactory,
    IngenierieFactory,
    PrestataireFactory,
)
from tests.accounts.factories import UserFactory, regional_dla
from tests.structures.factories import StructureFactory


def rows_of(html, table_class):
    table = html.split(f'class="{table_class}"', 1)[1].split("</table>", 1)[0]
    return table.split("<tbody>", 1)[1].count("<tr")


def test_the_diagnostic_form_shows_the_ten_axes_as_one_grid(client_for, personas):
    case = AccompagnementFactory(officer=personas.officer_a, state="diagnostic")
    page = client_for(personas.officer_a).get(reverse("accompagnements:diagnostic", args=[case.pk]))
    assert len(Axis.choices) == 10
    assert rows_of(page.text, "axes-grid") == 10
    # No fieldset per axis any more (ten blocks of three stacked fields).
    assert 'class="subform"' not in page.text
    # Every field keeps a label naming its axis (the column header is not enough).
    assert page.text.count('<label class="visually-hidden"') == 30


def test_the_diagnostic_grid_saves_the_axes(client_for, personas):
    case = AccompagnementFactory(officer=personas.officer_a, state="diagnostic")
    url = reverse("accompagnements:diagnostic", args=[case.pk])
    data = {
        "axes-TOTAL_FORMS": "10",
        "axes-INITIAL_FORMS": "0",
        "axes-MIN_NUM_FORMS": "0",
        "axes-MAX_NUM_FORMS": "10",
    }
    for i, (value, _) in enumerate(sorted(Axis.choices)):
        data[f"axes-{i}-axis"] = value
        data[f"axes-{i}-priority"] = "4"
    data["axes-0-assessment"] = "Bureau renouvelé"
    data["axes-0-priority"] = "1"
    response = client_for(personas.officer_a).post(url, data)
    assert response.status_code == 302
    axes = {a.axis: (a.priority, a.assessment) for a in case.diagnostic.axes.all()}
    assert len(axes) == 10
    assert axes[sorted(Axis.values)[0]] == (1, "Bureau renouvelé")


def test_contacts_are_added_several_at_a_time(client_for, personas):
    structure = StructureFactory()
    url = reverse("structures:contacts", args=[structure.pk])
    client = client_for(personas.officer_a)
    page = client.get(url).text
    assert page.count("<legend>Nouveau contact</legend>") == 3
    data = {
        "contacts-TOTAL_FORMS": "3",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "50",
        "contacts-0-first_name": "Lina",
        "contacts-0-last_name": "Martin",
        "contacts-1-first_name": "Yves",
        "contacts-1-last_name": "Le Goff",
        # The third row left blank: ignored.
        "encore": "1",
    }
    response = client.post(url, data)
    # « Enregistrer et ajouter d'autres contacts » comes back with three new rows.
    assert response.url == url
    assert sorted(str(c) for c in structure.contacts.all()) == ["Lina Martin", "Yves Le Goff"]


def test_comites_are_listed_newest_first(client_for, personas):
    today = datetime.date(2026, 11, 30)
    for days in (40, 3, 100):
        ComiteAppuiFactory(held_on=today - datetime.timedelta(days=days))
    page = client_for(personas.officer_a).get(reverse("accompagnements:comites")).text
    dates = re.findall(r"\d{2}/\d{2}/\d{4}|\d{1,2} \w+\.? \d{4}", page.split("<tbody>", 1)[1])
    assert len(dates) == 3
    # 27 Nov, 21 Oct, 22 Aug 2026.
    assert [d[:2].strip() for d in dates] == ["27", "21", "22"]


@pytest.fixture
def register(personas):
    dla = regional_dla("53")
    alpha = PrestataireFactory(name="Alpha Conseil", themes="gouvernance", dla=dla)
    beta = PrestataireFactory(name="Beta RH", themes="fonction employeur", dla=dla)
    gamma = PrestataireFactory(
        name="Gamma Numérique", themes="numérique", dla=dla, contact_name="Anne Rh"
    )
    return alpha, beta, gamma


def names_in(page, names=("Alpha Conseil", "Beta RH", "Gamma Numérique")):
    body = page.split("<tbody>", 1)[1]
    found = [(body.index(n), n) for n in names if n in body]
    return [n for _, n in sorted(found)]


def test_the_consultant_register_is_searchable(client_for, personas, register):
    client = client_for(personas.officer_a)
    url = reverse("accompagnements:prestataires")
    # A word of the name, of the themes or of the contact; every word must match.
    assert names_in(client.get(url, {"q": "rh"}).text) == ["Beta RH", "Gamma Numérique"]
    assert names_in(client.get(url, {"q": "rh beta"}).text) == ["Beta RH"]
    page = client.get(url, {"q": "introuvable"}).text
    assert names_in(page) == []
    assert "Aucun prestataire ne correspond à « introuvable »" in page


def test_the_consultant_register_is_sortable(client_for, personas, register):
    _, beta, gamma = register
    # Beta chosen twice, Gamma once.
    for prestataire in (beta, beta, gamma):
        IngenierieFactory(selected_prestataire=prestataire)
    client = client_for(personas.officer_a)
    url = reverse("accompagnements:prestataires")
    assert names_in(client.get(url).text) == ["Alpha Conseil", "Beta RH", "Gamma Numérique"]
    assert names_in(client.get(url, {"tri": "-nom"}).text) == [
        "Gamma Numérique",
        "Beta RH",
        "Alpha Conseil",
    ]
    assert names_in(client.get(url, {"tri": "-ingenieries"}).text) == [
        "Beta RH",
        "Gamma Numérique",
        "Alpha Conseil",
    ]
    # An unknown order is ignored, not an error.
    assert client.get(url, {"tri": "pk; drop"}).status_code == 200


def test_the_case_list_searches_structure_siren_and_officer(client_for, personas):
    colleague = UserFactory(
        username="yann", first_name="Yann", last_name="Kervella", dla=personas.officer_a.dla
    )
    cafe = AccompagnementFactory(
        officer=personas.officer_a, structure=StructureFactory(name="Café des Halles")
    )
    theatre = AccompagnementFactory(
        officer=colleague, structure=StructureFactory(name="Théâtre du Pont")
    )
    client = client_for(personas.officer_a)
    url = reverse("accompagnements:list")

    def found(query):
        page = client.get(url, {"q": query}).text
        return {c.structure.name for c in (cafe, theatre) if c.structure.name in page}

    assert found("cafe halles") == {"Café des Halles"}
    assert found(theatre.structure.siren) == {"Théâtre du Pont"}
    assert found("kervella") == {"Théâtre du Pont"}
    assert found("") == {"Café des Halles", "Théâtre du Pont"}
    too_long = " ".join(f"mot{i}" for i in range(11))
    assert "La recherche est limitée à 10 mots" in client.get(url, {"q": too_long}).text


def test_the_consultant_register_sorts_names_in_french_order(client_for, personas):
    dla = regional_dla("53")
    for name in ("Fabrique Conseil", "École des Communs", "alpha RH"):
        PrestataireFactory(name=name, dla=dla)
    client = client_for(personas.officer_a)
    url = reverse("accompagnements:prestataires")
    names = ("alpha RH", "École des Communs", "Fabrique Conseil")
    assert names_in(client.get(url).text, names) == list(names)
    assert names_in(client.get(url, {"tri": "-nom"}).text, names) == list(reversed(names))
