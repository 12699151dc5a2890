"""Who opens what (issue 17): a coordinator opens cases for regional-scale structures, or
with a written reason; the department's officers are told either way."""

import pytest
from django.urls import reverse

from accompagnements.models import Accompagnement, Notification, NotificationKind
from accompagnements.services import ReasonRequired, open_case
from tests.accounts.factories import UserFactory
from tests.structures.factories import StructureFactory


def opened(structure, user, **extra):
    return open_case(structure, by=user, channel="reseau", request="Structurer le réseau", **extra)


def test_coordinator_opens_a_regional_scale_structure_without_a_reason(personas):
    network = StructureFactory(name="Fédération des tiers-lieux", is_network=True)
    case = opened(network, personas.coordinator)
    assert case.dla == personas.coordinator.dla
    assert case.journal.get().comment == "Ouverture de l'accompagnement."


def test_coordinator_needs_a_reason_for_a_structure_of_one_department(personas):
    structure = StructureFactory()
    with pytest.raises(ReasonRequired):
        opened(structure, personas.coordinator, reason="   ")
    assert not Accompagnement.objects.exists()
    assert not Notification.objects.exists()
    case = opened(structure, personas.coordinator, reason="Le DLA 35 est sans chargé·e.")
    assert case.journal.get().comment == (
        "Ouverture par la coordination régionale. Motif : Le DLA 35 est sans chargé·e."
    )


def test_officers_of_the_department_are_told_of_a_regional_opening(personas):
    colleague = UserFactory(username="alice2", dla=personas.officer_a.dla)
    UserFactory(username="gone", dla=personas.officer_a.dla, is_active=False)
    case = opened(StructureFactory(name="Café associatif"), personas.coordinator, reason="Urgence")
    notifications = Notification.objects.filter(kind=NotificationKind.OPENED_BY_REGION)
    # Officers of Ille-et-Vilaine only: not Finistère's, not the inactive account.
    assert set(notifications.values_list("recipient", flat=True)) == {
        personas.officer_a.pk,
        colleague.pk,
    }
    message = notifications.first().message
    assert "a ouvert un accompagnement pour Café associatif. Motif : Urgence" in message
    assert {n.accompagnement_id for n in notifications} == {case.pk}


def test_an_officers_own_opening_tells_nobody(personas):
    opened(StructureFactory(), personas.officer_a)
    assert not Notification.objects.exists()


def test_the_form_asks_the_coordinator_for_a_reason(client_for, personas):
    structure = StructureFactory()
    client = client_for(personas.coordinator)
    url = reverse("accompagnements:create", args=[structure.pk])
    assert "ouverture par la coordination régionale" in client.get(url).text
    data = {"channel": "reseau", "request": "Aide", "opened_on": "2026-11-02"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.text
    assert not Accompagnement.objects.exists()
    response = client.post(url, {**data, "reason": "Le DLA 35 nous l'a confiée."})
    assert response.status_code == 302
    assert Accompagnement.objects.get().dla == personas.coordinator.dla


def test_the_form_asks_no_reason_for_a_network_nor_from_an_officer(client_for, personas):
    network = StructureFactory(is_network=True)
    url = reverse("accompagnements:create", args=[network.pk])
    assert (
        "ouverture par la coordination régionale"
        not in client_for(personas.coordinator).get(url).text
    )
    structure = StructureFactory()
    url = reverse("accompagnements:create", args=[structure.pk])
    assert (
        "ouverture par la coordination régionale"
        not in client_for(personas.officer_a).get(url).text
    )
