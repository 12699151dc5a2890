"""Staff reset their password by email; the reset link never sits in the outbox."""

import re

import pytest

from messagerie.models import Message
from messagerie.secrets import PLACEHOLDER
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _request_reset(client, email, callbacks):
    with callbacks(execute=True):
        return client.post("/mot-de-passe/oublie/", {"email": email})


def test_a_staff_member_resets_their_password_through_the_emailed_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(username="alice", email="alice@dla35.example")
    response = _request_reset(client, "alice@dla35.example", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/mot-de-passe/oublie/envoye/"

    stored = Message.objects.get()
    assert PLACEHOLDER in stored.body_text  # the outbox keeps no usable link
    assert (stored.to_email, stored.status) == ("alice@dla35.example", "envoye")
    [email] = mailoutbox
    url = re.search(r"http://testserver(/mot-de-passe/reinitialiser/\S+/)", email.body).group(1)
    assert url not in stored.body_text

    page = client.get(url, follow=True)
    assert "Nouveau mot de passe" in page.text
    done = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Une-phrase-de-passe-2026", "new_password2": "Une-phrase-de-passe-2026"},
    )
    assert done["Location"] == "/mot-de-passe/reinitialise/"
    user.refresh_from_db()
    assert user.check_password("Une-phrase-de-passe-2026")
    # The link served once: the same URL is now refused.
    assert "plus valable" in client.get(url, follow=True).text


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    response = _request_reset(
        client, "personne@nulle-part.example", django_capture_on_commit_callbacks
    )
    assert response["Location"] == "/mot-de-passe/oublie/envoye/"
    assert mailoutbox == []
    assert Message.objects.count() == 0


def test_repeated_requests_for_one_address_stop_sending(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="alice", email="alice@dla35.example")
    for _ in range(7):
        response = _request_reset(client, "alice@dla35.example", django_capture_on_commit_callbacks)
        assert response["Location"] == "/mot-de-passe/oublie/envoye/"
    assert len(mailoutbox) == 5


def test_the_login_page_offers_the_reset(client):
    assert 'href="/mot-de-passe/oublie/"' in client.get("/connexion/").text
