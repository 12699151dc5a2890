"""The admin site corrects registers but never moves a case or edits the journal."""

from django.urls import reverse

from accompagnements.services import advance
from tests.accompagnements.factories import AccompagnementFactory


def test_admin_sees_the_case_with_its_journal_and_a_read_only_phase(client_for, personas):
    case = AccompagnementFactory(officer=personas.officer_a)
    advance(case, "start_diagnostic", by=personas.officer_a, comment="Rendez-vous fixé")
    client = client_for(personas.admin)
    url = reverse("admin:accompagnements_accompagnement_change", args=[case.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Rendez-vous fixé" in response.text
    assert 'name="state"' not in response.text


def test_journal_has_no_change_or_delete_in_the_admin(client_for, personas):
    case = AccompagnementFactory(officer=personas.officer_a)
    advance(case, "start_diagnostic", by=personas.officer_a)
    log = case.journal.get()
    client = client_for(personas.admin)
    delete = reverse("admin:accompagnements_transitionlog_delete", args=[log.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert case.journal.count() == 1
