"""The case page (issue 13, item 7): the structure, a phase stepper, the way forward first
and the exits (abandon, réorientation) second, each confirmed before it is sent."""

import html
import re

import pytest
from django.urls import reverse

from accompagnements.models import State
from tests.accompagnements.factories import AccompagnementFactory, DiagnosticFactory
from tests.structures.factories import ContactFactory

pytestmark = pytest.mark.django_db


def steps(page: str) -> list[tuple[str, str]]:
    """(status, label) of each step of the stepper, in order."""
    return [
        (status, html.unescape(label).strip())
        for status, label in re.findall(
            r'<li class="stepper__step stepper__step--(\w+)"[^>]*>([^<]+)', page
        )
    ]


@pytest.fixture
def case(personas):
    case = AccompagnementFactory(officer=personas.officer_a, state=State.DIAGNOSTIC)
    DiagnosticFactory(accompagnement=case, validated=True)
    ContactFactory(structure=case.structure, first_name="Lucie", last_name="Martin")
    return case


def test_the_stepper_shows_where_the_case_is(case, personas, client_for):
    page = client_for(personas.officer_a).get(case.get_absolute_url()).text
    assert steps(page) == [
        ("done", "Accueil"),
        ("current", "Diagnostic partagé"),
        ("todo", "Élaboration du parcours"),
        ("todo", "Coordination de l'accompagnement"),
        ("todo", "Suivi de l'accompagnement"),
    ]
    assert 'stepper__step--current" aria-current="step"' in page


def test_a_case_that_left_shows_where_it_stopped(personas, client_for):
    case = AccompagnementFactory(
        officer=personas.officer_a, state=State.ABANDONNE, left_state=State.PARCOURS
    )
    page = client_for(personas.officer_a).get(case.get_absolute_url()).text
    assert [status for status, _ in steps(page)] == ["done", "done", "left", "todo", "todo"]


def test_the_structure_with_its_link_figures_and_contacts(case, personas, client_for):
    page = client_for(personas.officer_a).get(case.get_absolute_url()).text
    block = page[page.index('id="structure-block"') : page.index("</section>")]
    assert reverse("structures:detail", args=[case.structure_id]) in block
    assert "Effectif salarié" in block
    assert "Lucie Martin" in block


def test_the_way_forward_comes_first_and_the_exits_are_folded_and_confirmed(
    case, personas, client_for
):
    page = client_for(personas.officer_a).get(case.get_absolute_url()).text
    forward = reverse("accompagnements:transition", args=[case.pk, "start_parcours"])
    abandon = reverse("accompagnements:transition", args=[case.pk, "abandon"])
    reorient = reverse("accompagnements:transition", args=[case.pk, "reorient"])
    exits = page.index('<details class="transitions transitions--exits">')
    assert page.index(f'action="{forward}"') < exits
    for url in (abandon, reorient):
        form = re.search(rf'<form method="post" action="{re.escape(url)}"[^>]*>', page)
        assert form is not None
        assert form.start() > exits
        assert "data-confirm=" in form.group(0)
    # The forward form carries no confirmation.
    forward_form = re.search(rf'<form method="post" action="{re.escape(forward)}"[^>]*>', page)
    assert "data-confirm" not in forward_form.group(0)


def test_a_reader_gets_no_action(case, personas, client_for):
    page = client_for(personas.coordinator).get(case.get_absolute_url()).text
    assert "lecture seule" in page
    assert "Faire évoluer" not in page
    assert "Autres issues" not in page
