"""The case list opens on open cases; closed ones are a filter away, greyed, without a phase age."""

import re

import pytest
from django.urls import reverse

from accompagnements.models import State
from tests.accompagnements.factories import AccompagnementFactory
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(personas):
    def case(name, state):
        return AccompagnementFactory(
            officer=personas.officer_a, structure=StructureFactory(name=name), state=state
        )

    return {
        "open": case("Asso Ouverte", State.DIAGNOSTIC),
        "closed": case("Asso Clôturée", State.CLOTURE),
        "reoriented": case("Asso Réorientée", State.REORIENTE),
        "abandoned": case("Asso Abandonnée", State.ABANDONNE),
    }


def list_page(client, **query):
    response = client.get(reverse("accompagnements:list"), query)
    assert response.status_code == 200
    return response.text


def test_the_list_opens_on_open_cases(client_for, personas, cases):
    page = list_page(client_for(personas.officer_a))
    assert "Asso Ouverte" in page
    for name in ("Asso Clôturée", "Asso Réorientée", "Asso Abandonnée"):
        assert name not in page
    assert 'href="?statut=termines"' in page


def test_the_status_filter_shows_the_others_greyed_without_time_in_phase(
    client_for, personas, cases
):
    page = list_page(client_for(personas.officer_a), statut="termines")
    assert "Asso Ouverte" not in page
    rows = re.findall(r"<tr[^>]*>.*?</tr>", page, re.S)
    closed_rows = [row for row in rows if "Asso Clôturée" in row]
    assert len(closed_rows) == 1
    row = closed_rows[0]
    assert re.match(r'<tr class="row--closed\b', row)
    assert '<span class="badge badge--phase badge--cloture">clôturé</span>' in row
    assert "<td >—</td>" in row
    assert "jours" not in row


def test_all_statuses_together(client_for, personas, cases):
    page = list_page(client_for(personas.officer_a), statut="tous")
    for name in ("Asso Ouverte", "Asso Clôturée", "Asso Réorientée", "Asso Abandonnée"):
        assert name in page


def test_a_phase_asked_for_wins_over_the_default_status(client_for, personas, cases):
    page = list_page(client_for(personas.officer_a), state=State.ABANDONNE)
    assert "Asso Abandonnée" in page
    assert "Asso Ouverte" not in page
    assert "Asso Clôturée" not in page


def test_an_open_case_shows_its_phase_badge_and_days_in_phase(client_for, personas, cases):
    page = list_page(client_for(personas.officer_a))
    row = next(r for r in re.findall(r"<tr[^>]*>.*?</tr>", page, re.S) if "Asso Ouverte" in r)
    assert "row--closed" not in row
    assert '<span class="badge badge--phase badge--diagnostic">diagnostic partagé</span>' in row
    assert re.search(r"\d+ jours?", row)


def test_an_empty_list_says_what_to_do_next(client_for, personas):
    page = list_page(client_for(personas.officer_a))
    assert "Aucun accompagnement ne correspond à ces critères." in page
    assert "« Tous »" in page
    assert reverse("structures:list") in page


def test_the_list_table_scrolls_in_its_own_named_region(client_for, personas, cases):
    page = list_page(client_for(personas.officer_a))
    assert (
        '<div class="table-scroll" tabindex="0" role="region" '
        'aria-label="Liste des accompagnements">' in page
    )


def test_the_api_still_lists_every_case_unless_asked(client_for, personas, cases):
    client = client_for(personas.officer_a)
    every = client.get("/api/v1/accompagnements/").json()["results"]
    assert len(every) == 4
    open_only = client.get("/api/v1/accompagnements/", {"statut": "ouverts"}).json()["results"]
    assert [case["id"] for case in open_only] == [cases["open"].pk]


@pytest.mark.django_db(databases=[])
def test_days_in_phase_agree_with_their_number_and_say_when_late(settings):
    """« 0 jour », « 1 jour », « 3 jours » (French: 0 and 1 singular), late past the
    phase's delay, all at the table's one instant; dates as dd/mm/yyyy."""
    import datetime

    from accompagnements.models import Accompagnement
    from accompagnements.tables import AccompagnementTable

    settings.ACCOMPAGNEMENT_PHASE_DELAYS = {"diagnostic": 10}
    table = AccompagnementTable([])
    table.now = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC)

    def cell(hours_ago, state=State.DIAGNOSTIC):
        entered = table.now - datetime.timedelta(hours=hours_ago)
        return table.render_state_entered_at(Accompagnement(state=state, state_entered_at=entered))

    assert cell(5) == "0 jour"
    assert cell(26) == "1 jour"
    assert cell(3 * 24) == "3 jours"
    assert cell(10 * 24) == "10 jours"  # the delay itself: not late yet
    assert cell(10 * 24 + 1) == '10 jours <span class="badge badge--overdue">en retard</span>'
    assert cell(400, state=State.CLOTURE) == "—"
    assert table.render_opened_on(datetime.date(2026, 3, 9)) == "09/03/2026"
    assert str(table.render_state(Accompagnement(state=State.SUIVI), "suivi <post>")) == (
        '<span class="badge badge--phase badge--suivi">suivi &lt;post&gt;</span>'
    )
