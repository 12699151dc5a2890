"""Another DLA's open case on a structure the reader sees: which DLA, how to reach it."""

from django.urls import reverse

from structures.continuity import dlas_holding_hidden_open_cases
from tests.accompagnements.factories import AccompagnementFactory
from tests.accounts.factories import departmental_dla
from tests.structures.factories import StructureFactory


def followed_elsewhere(personas, **dla_contact):
    """A Loire-Atlantique structure Ille-et-Vilaine once followed, now open at Loire-Atlantique."""
    structure = StructureFactory(in_loire_atlantique=True, name="Les Ateliers de Chantenay")
    AccompagnementFactory(
        structure=structure,
        officer=personas.officer_a,
        dla=personas.officer_a.dla,
        state="cloture",
        opened_on="2023-01-10",
        closed_on="2023-09-30",
    )
    holder = departmental_dla("44")
    for field, value in dla_contact.items():
        setattr(holder, field, value)
    holder.save()
    AccompagnementFactory(
        structure=structure,
        officer=personas.other_officer,
        dla=holder,
        request="Demande confidentielle de Nantes",
    )
    return structure, holder


def test_the_structure_page_names_the_dla_holding_the_open_case_and_its_contact(
    personas, client_for
):
    structure, holder = followed_elsewhere(
        personas, email="dla44@example.org", phone="02 40 00 00 00"
    )
    response = client_for(personas.officer_a).get(reverse("structures:detail", args=[structure.pk]))
    assert response.status_code == 200
    body = response.text
    assert f"Accompagnement en cours auprès du {holder.name}</strong>" in body
    assert "(DLA départemental, 44 – Loire-Atlantique)" in body
    assert '<a href="mailto:dla44@example.org">dla44@example.org</a> · 02 40 00 00 00' in body
    # What the case is about stays with the DLA holding it.
    assert "Demande confidentielle" not in body
    assert personas.other_officer.last_name not in body


def test_without_a_recorded_contact_the_page_says_where_to_turn(personas, client_for):
    structure, _holder = followed_elsewhere(personas)
    url = reverse("structures:detail", args=[structure.pk])
    body = client_for(personas.officer_a).get(url).text
    assert "Ses coordonnées ne sont pas encore renseignées dans DLA Suivi" in body


def test_the_case_opening_page_says_it_too(personas, client_for):
    structure, holder = followed_elsewhere(personas, email="dla44@example.org")
    client = client_for(personas.officer_a)
    url = reverse("accompagnements:create", args=[structure.pk])
    response = client.post(url, {"channel": "structure", "request": "x", "opened_on": "2026-01-05"})
    assert response.status_code == 200
    assert "Cette structure a déjà un accompagnement ouvert." in response.text
    assert f"Accompagnement en cours auprès du {holder.name}</strong>" in response.text


def test_no_notice_for_a_case_the_reader_can_open(personas):
    structure = StructureFactory()
    AccompagnementFactory(structure=structure, officer=personas.officer_a)
    assert dlas_holding_hidden_open_cases(structure, personas.officer_a) == []
    assert dlas_holding_hidden_open_cases(structure, personas.national) == []


def test_a_closed_case_of_another_dla_gives_no_notice(personas):
    structure, _ = followed_elsewhere(personas)
    structure.accompagnements.filter(dla__departement__code="44").update(state="cloture")
    assert dlas_holding_hidden_open_cases(structure, personas.officer_a) == []
