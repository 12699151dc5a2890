"""Opening a case where no DLA can own it: a French refusal, not a database error."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accompagnements.models import Accompagnement, TransitionLog
from accompagnements.services import open_case
from territoires.models import Departement, Dla
from tests.structures.factories import StructureFactory


@pytest.fixture
def structure_without_dla(db):
    """A structure of the Côtes-d'Armor, a department whose DLA is not registered."""
    Dla.objects.filter(level=Dla.Level.DEPARTEMENTAL, departement__code="22").delete()
    return StructureFactory(
        name="Ressourcerie du Trégor",
        postal_code="22300",
        commune="Lannion",
        departement=Departement.objects.get(code="22"),
    )


def test_the_service_refuses_in_french_and_writes_nothing(personas, structure_without_dla):
    with pytest.raises(ValidationError) as refused:
        open_case(structure_without_dla, by=personas.admin, channel="reseau", request="Aide")
    message = " ".join(refused.value.messages)
    assert "Aucun DLA ne peut porter cet accompagnement" in message
    assert "aucun DLA n'est enregistré pour le département" in message
    assert not Accompagnement.objects.exists()
    assert not TransitionLog.objects.exists()


def test_the_form_shows_the_refusal(personas, client_for, structure_without_dla):
    response = client_for(personas.admin).post(
        reverse("accompagnements:create", args=[structure_without_dla.pk]),
        {"channel": "reseau", "request": "Consolider l'emploi", "opened_on": "2026-01-05"},
    )
    assert response.status_code == 200
    assert "Aucun DLA ne peut porter cet accompagnement" in response.text
    assert "déjà un accompagnement ouvert" not in response.text
    assert not Accompagnement.objects.exists()
