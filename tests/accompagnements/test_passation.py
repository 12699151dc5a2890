"""Handing a case over: within the DLA at once, to another DLA once it accepts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accompagnements.models import Accompagnement, Passation, PassationStatus
from accompagnements.services.echanges import add_task, log_exchange
from accompagnements.services.passation import (
    accept_transfer,
    reassign,
    refuse_transfer,
    request_transfer,
)
from tests.accompagnements.factories import AccompagnementFactory
from tests.accounts.factories import UserFactory
from tests.dossiers.factories import case_document


@pytest.fixture
def case(personas):
    return AccompagnementFactory(
        officer=personas.officer_a, opened_on=timezone.localdate() - datetime.timedelta(days=30)
    )


def test_reassigning_within_the_dla_is_immediate_and_journaled(case, personas, client_for):
    colleague = UserFactory(username="colleague", dla=personas.officer_a.dla)
    passation = reassign(case, to=colleague, by=personas.officer_a, reason="Congé")
    case.refresh_from_db()
    assert case.officer == colleague
    assert (passation.from_officer, passation.to_officer, passation.status) == (
        personas.officer_a,
        colleague,
        PassationStatus.DONE,
    )
    page = client_for(personas.officer_a).get(reverse("accompagnements:timeline", args=[case.pk]))
    assert f"Confié à {colleague} (auparavant {personas.officer_a})" in page.text


def test_reassigning_outside_the_dla_is_refused(case, personas):
    with pytest.raises(ValidationError) as refused:
        reassign(case, to=personas.officer_b, by=personas.officer_a)
    assert "to_officer" in refused.value.message_dict


def test_a_transfer_waits_then_moves_the_case_and_loses_nothing(case, personas):
    log_exchange(
        case,
        by=personas.officer_a,
        occurred_at=timezone.now(),
        kind="telephone",
        subject="La structure déménage à Brest",
    )
    case_document(case)
    task = add_task(
        case,
        by=personas.officer_a,
        title="Présenter le dossier au DLA 29",
        due_on=timezone.localdate(),
        assignee=personas.officer_a,
    )
    passation = request_transfer(
        case, to_dla=personas.officer_b.dla, by=personas.officer_a, reason="Déménagement"
    )
    case.refresh_from_db()
    assert case.dla == personas.officer_a.dla  # nothing moves before the answer
    with pytest.raises(PermissionDenied):
        accept_transfer(passation, by=personas.officer_a)
    accept_transfer(passation, by=personas.officer_b)
    case.refresh_from_db()
    assert (case.dla, case.officer) == (personas.officer_b.dla, personas.officer_b)
    task.refresh_from_db()
    assert task.assignee == personas.officer_b
    assert case.echanges.count() == 1
    assert case.documents.count() == 1
    assert Accompagnement.objects.editable_by(personas.officer_b).filter(pk=case.pk).exists()
    assert not Accompagnement.objects.editable_by(personas.officer_a).filter(pk=case.pk).exists()


def test_a_refusal_needs_a_reason_and_leaves_the_case(case, personas):
    passation = request_transfer(
        case, to_dla=personas.officer_b.dla, by=personas.officer_a, reason="Déménagement"
    )
    with pytest.raises(ValidationError):
        refuse_transfer(passation, by=personas.officer_b, comment=" ")
    refuse_transfer(passation, by=personas.officer_b, comment="La structure reste à Rennes.")
    passation.refresh_from_db()
    assert passation.status == PassationStatus.REFUSED
    case.refresh_from_db()
    assert case.dla == personas.officer_a.dla


def test_one_pending_transfer_at_a_time(case, personas):
    request_transfer(case, to_dla=personas.officer_b.dla, by=personas.officer_a, reason="x")
    with pytest.raises(ValidationError) as refused:
        request_transfer(case, to_dla=personas.other_officer.dla, by=personas.officer_a, reason="y")
    assert "attend déjà une réponse" in refused.value.message_dict["to_dla"][0]
    assert Passation.objects.count() == 1


def test_the_receiving_dla_answers_through_its_page(case, personas, client_for):
    client = client_for(personas.officer_a)
    response = client.post(
        reverse("accompagnements:transfer", args=[case.pk]),
        {"to_dla": personas.officer_b.dla_id, "reason": "Déménagement à Brest"},
    )
    assert response.status_code == 302
    passation = Passation.objects.get()
    url = reverse("accompagnements:transfer_answer", args=[passation.pk])
    assert client.post(url, {"decision": "accept"}).status_code == 403
    assert client_for(personas.other_officer).get(url).status_code == 404
    receiver = client_for(personas.officer_b)
    assert "Déménagement à Brest" in receiver.get(url).text
    response = receiver.post(url, {"decision": "accept", "officer": personas.officer_b.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.officer == personas.officer_b


def test_the_timeline_tells_a_transfer_with_its_dlas_and_people(case, personas, client_for):
    """Handovers are read with their DLAs and people in bulk (timeline._load_passations)."""
    passation = request_transfer(
        case, to_dla=personas.officer_b.dla, by=personas.officer_a, reason="Déménagement"
    )
    accept_transfer(passation, by=personas.officer_b)
    page = client_for(personas.officer_b).get(
        reverse("accompagnements:timeline", args=[case.pk]), HTTP_HX_REQUEST="true"
    )
    giver, taker = personas.officer_a, personas.officer_b
    assert f"Transfert proposé : {giver.dla} → {taker.dla}" in page.text
    assert (
        f"Transfert accepté par {taker.dla}, confié à {taker.first_name} {taker.last_name}"
        in page.text
    )
    assert f" · {giver.first_name} {giver.last_name}" in page.text  # who asked
    assert "Déménagement" in page.text
