"""The case page shows the emails sent, the links and what was done through them."""

import html

import pytest
from django.urls import reverse

from accompagnements.models import State
from espace.services.structure import send_to_structure
from tests.accompagnements.factories import AccompagnementFactory, DiagnosticFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    case = AccompagnementFactory(
        officer=personas.officer_a, dla=personas.officer_a.dla, state=State.DIAGNOSTIC
    )
    DiagnosticFactory(accompagnement=case)
    return case


def send_links(case, officer, count, callbacks):
    with callbacks(execute=True):
        for n in range(count):
            send_to_structure(
                case, "diagnostic", name=f"Personne {n}", email=f"p{n}@asso.example", by=officer
            )


def test_the_officer_sees_each_email_and_link_and_can_revoke(
    personas, case, client_for, django_capture_on_commit_callbacks
):
    send_links(case, personas.officer_a, 1, django_capture_on_commit_callbacks)
    # A fragment of the case page (loaded by htmx; a page of its own without JavaScript).
    sent = reverse("accompagnements:exterieur", args=[case.pk])
    assert f'hx-get="{sent}"' in client_for(personas.officer_a).get(case.get_absolute_url()).text
    page = html.unescape(client_for(personas.officer_a).get(sent).text)
    assert "Personne 0 (p0@asso.example)" in page
    assert "Votre diagnostic partagé DLA à relire et valider" in page
    assert "envoyé le" in page
    assert "Désactiver" in page
    # Readers see the same facts without the revoke button.
    reader = html.unescape(client_for(personas.coordinator).get(sent).text)
    assert "Personne 0 (p0@asso.example)" in reader
    assert "Désactiver" not in reader


# What was sent outside the DLA, a fragment of the case page (htmx): the user with their DLA and
# the navigation's count of unread reminders (1; the session is read from the cache); the case (1);
# its ingénieries (1); handovers, emails, links and the links' journal (4).
WITH_LINKS = 1 + 2 + 4


@pytest.mark.parametrize("count", [1, 6])
def test_what_was_sent_costs_the_same_with_one_link_or_many(
    personas,
    case,
    client_for,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    count,
):
    send_links(case, personas.officer_a, count, django_capture_on_commit_callbacks)
    client = client_for(personas.officer_a)
    with django_assert_num_queries(WITH_LINKS):
        response = client.get(
            reverse("accompagnements:exterieur", args=[case.pk]), HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    assert response.text.count("Personne ") == count
