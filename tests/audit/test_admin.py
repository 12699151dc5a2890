"""Journal and history rows can be browsed by admins, never changed through the app."""

import pytest
from django.urls import reverse

from structures.models import Structure
from tests.structures.factories import StructureFactory


@pytest.fixture
def history_row(personas):
    structure = StructureFactory(name="Suivie")
    structure.name = "Suivie et modifiée"
    structure.save()
    return Structure.history.filter(id=structure.pk).latest("history_date")


def test_admin_browses_history_by_user_and_object(personas, client_for, history_row):
    client = client_for(personas.admin)
    url = reverse("admin:structures_historicalstructure_changelist")
    response = client.get(url, {"q": history_row.id})
    assert response.status_code == 200
    assert "Suivie et modifiée" in response.text


def test_history_rows_cannot_be_changed_or_deleted_in_the_admin(personas, client_for, history_row):
    client = client_for(personas.admin)
    change = reverse("admin:structures_historicalstructure_change", args=[history_row.history_id])
    delete = reverse("admin:structures_historicalstructure_delete", args=[history_row.history_id])
    response = client.post(change, {"name": "falsifiée"})
    assert response.status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    history_row.refresh_from_db()
    assert history_row.name == "Suivie et modifiée"


def test_non_staff_cannot_reach_the_audit_admin(personas, client_for):
    response = client_for(personas.national).get(
        reverse("admin:structures_historicalstructure_changelist")
    )
    assert response.status_code == 302
