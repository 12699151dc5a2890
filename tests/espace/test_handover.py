"""A réorientation handed over: the support actor receives the request and acknowledges it."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnements.models import ReorientationReason, State
from accompagnements.services import advance
from espace.models import Handover
from tests.accompagnements.factories import AccompagnementFactory, ActeurAppuiFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reoriented(personas):
    case = AccompagnementFactory(
        officer=personas.officer_a,
        dla=personas.officer_a.dla,
        request="Trouver un local et un financement d'amorçage.",
    )
    acteur = ActeurAppuiFactory(
        dla=case.dla, name="Incubateur Rennais", email="contact@incubateur.example"
    )
    return advance(
        case,
        "reorient",
        by=personas.officer_a,
        reason=ReorientationReason.BETTER_OFFER,
        acteur=acteur,
    )


def test_the_actor_receives_the_request_with_consent_and_acknowledges_it(
    personas,
    reoriented,
    client_for,
    mailoutbox,
    outside_client,
    django_capture_on_commit_callbacks,
):
    officer = client_for(personas.officer_a)
    page = html.unescape(officer.get(reoriented.get_absolute_url()).text)
    assert "Transmettre la demande à Incubateur Rennais" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            f"/accompagnements/{reoriented.pk}/passation/",
            {
                "consent_given_by": "Lucie Martin, présidente",
                "consent_on": timezone.localdate().isoformat(),
                "message": "Trouver un local et un financement d'amorçage.",
            },
        )
    assert response.status_code == 302
    [email] = mailoutbox
    assert email.to == ["Incubateur Rennais <contact@incubateur.example>"]
    assert "Lucie Martin, présidente" in email.body
    browser, url = outside_client(email)
    assert "Trouver un local" in browser.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(url, {"name": "Paul Bernard", "answer": "Rendez-vous pris le 12."})
    handover = Handover.objects.get()
    assert (handover.acknowledged_by, handover.acknowledgement) == (
        "Paul Bernard",
        "Rendez-vous pris le 12.",
    )
    # What was sent outside the DLA: a fragment of the case page (its own address).
    sent = reverse("accompagnements:exterieur", args=[reoriented.pk])
    page = html.unescape(officer.get(sent).text)
    assert "<strong>reçue</strong> par Paul Bernard" in page


def test_no_handover_without_the_structures_consent(personas, reoriented, client_for, mailoutbox):
    response = client_for(personas.officer_a).post(
        f"/accompagnements/{reoriented.pk}/passation/",
        {"consent_given_by": "", "consent_on": timezone.localdate().isoformat(), "message": "x"},
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.text
    assert not Handover.objects.exists()
    assert mailoutbox == []


def test_a_case_still_open_cannot_be_handed_over(personas, client_for):
    case = AccompagnementFactory(
        officer=personas.officer_a, dla=personas.officer_a.dla, state=State.ACCUEIL
    )
    response = client_for(personas.officer_a).post(
        f"/accompagnements/{case.pk}/passation/",
        {"consent_given_by": "X", "consent_on": timezone.localdate().isoformat(), "message": "x"},
    )
    assert "La passation suit une réorientation" in html.unescape(response.text)
    assert not Handover.objects.exists()
