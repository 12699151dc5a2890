"""Personal links: random, stored as a hash only, limited in time and use, rate-limited."""

import datetime
import hashlib
import html
import logging
import re

import pytest
from django.utils import timezone

from liens.models import LinkEvent, Purpose, SecureLink
from liens.services import LinkRefused, act, issue_link, revoke
from messagerie.models import Message
from messagerie.secrets import PLACEHOLDER
from messagerie.services import queue_message
from tests.accompagnements.factories import AccompagnementFactory

pytestmark = pytest.mark.django_db


def send_link(officer, case, callbacks, **kwargs):
    """Issue a link about ``case`` and email it; return the link and the URL received."""
    from django.core import mail

    with callbacks(execute=True):
        link, secret = issue_link(
            purpose=Purpose.DIAGNOSTIC,
            target=case,
            name="Lucie Martin",
            email="lucie@asso.example",
            by=officer,
            **kwargs,
        )
        queue_message(
            template="espace/email/diagnostic",
            to_email=link.recipient_email,
            to_name=link.recipient_name,
            subject="Votre diagnostic partagé",
            context={"case": case, "link": link},
            concerns=case,
            secret=secret,
            by=officer,
        )
    url = re.search(r"http://testserver(/lien/[\w-]+/)", mail.outbox[-1].body).group(1)
    link.refresh_from_db()
    return link, url


@pytest.fixture
def case(personas):
    return AccompagnementFactory(officer=personas.officer_a, dla=personas.officer_a.dla)


def test_the_token_is_random_and_only_its_hash_is_kept(
    personas, case, django_capture_on_commit_callbacks
):
    link, url = send_link(personas.officer_a, case, django_capture_on_commit_callbacks)
    token = url.split("/")[2]
    assert len(token) == 43
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # Once the email left, nothing stored can rebuild the token.
    assert link.nonce == ""
    stored = Message.objects.get()
    assert token not in stored.body_text + stored.body_html
    assert PLACEHOLDER in stored.body_text
    _other, other_url = send_link(personas.officer_a, case, django_capture_on_commit_callbacks)
    assert other_url != url


def test_a_link_expires_after_the_validity_setting(
    personas, case, settings, django_capture_on_commit_callbacks
):
    settings.LINK_VALIDITY_DAYS = 30
    before = timezone.now()
    link, _ = send_link(personas.officer_a, case, django_capture_on_commit_callbacks)
    assert before + datetime.timedelta(days=30) <= link.expires_at
    assert link.expires_at <= timezone.now() + datetime.timedelta(days=30)


def test_opening_a_link_leads_to_its_page_without_the_token_in_the_address(
    personas, case, client, django_capture_on_commit_callbacks
):
    link, url = send_link(personas.officer_a, case, django_capture_on_commit_callbacks)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/espace/{link.pk}/diagnostic/"
    assert url.split("/")[2] not in response["Location"]
    assert client.session["liens"] == [link.pk]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"expires_at": timezone.now() - datetime.timedelta(minutes=1)}, "Ce lien a expiré le"),
        ({"revoked_at": timezone.now()}, "Ce lien a été désactivé par le DLA."),
        ({"used_at": timezone.now()}, "Ce lien a déjà été utilisé"),
    ],
    ids=["expired", "revoked", "used"],
)
def test_an_expired_revoked_or_used_link_gets_a_french_page_and_nothing_else(
    personas, case, client, change, message, django_capture_on_commit_callbacks
):
    link, url = send_link(personas.officer_a, case, django_capture_on_commit_callbacks)
    SecureLink.objects.filter(pk=link.pk).update(**change)
    response = client.get(url)
    assert response.status_code == 410
    assert message in html.unescape(response.text)
    assert "liens" not in client.session
    assert str(case.structure) not in response.text


def test_a_tampered_token_is_unknown(personas, case, client, django_capture_on_commit_callbacks):
    _link, url = send_link(personas.officer_a, case, django_capture_on_commit_callbacks)
    token = url.split("/")[2]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.get(f"/lien/{tampered}/")
    assert response.status_code == 404
    assert "Ce lien n'est pas valide" in html.unescape(response.text)


def test_guessing_is_rate_limited_even_for_a_real_link_afterwards(
    personas, case, client, settings, django_capture_on_commit_callbacks
):
    _link, url = send_link(personas.officer_a, case, django_capture_on_commit_callbacks)
    for attempt in range(settings.LINK_ATTEMPTS_LIMIT):
        assert client.get(f"/lien/devine-{attempt}/").status_code == 404
    blocked = client.get(url)
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.text
    assert "liens" not in client.session


def test_revoking_refuses_the_link_and_forgets_its_seed(
    personas, case, client, django_capture_on_commit_callbacks
):
    link, url = send_link(personas.officer_a, case, django_capture_on_commit_callbacks)
    revoke(link, by=personas.officer_a)
    link.refresh_from_db()
    assert (link.revoked_by, link.nonce) == (personas.officer_a, "")
    assert client.get(url).status_code == 410


def test_a_final_action_uses_the_link_once_and_is_journaled(
    personas, case, rf, django_capture_on_commit_callbacks
):
    link, _ = send_link(personas.officer_a, case, django_capture_on_commit_callbacks)
    request = rf.post("/", REMOTE_ADDR="203.0.113.7")
    act(link, "validation", request=request, final=True, name="Lucie Martin (présidente)")
    with pytest.raises(LinkRefused, match="déjà été utilisé"):
        act(link, "validation", request=request, final=True)
    [event] = LinkEvent.objects.all()
    assert (event.action, event.name, event.email, event.ip_address) == (
        "validation",
        "Lucie Martin (présidente)",
        "lucie@asso.example",
        "203.0.113.7",
    )
    link.refresh_from_db()
    assert link.used_at is not None


def test_an_email_is_not_sent_for_a_link_revoked_before_sending(personas, case, mailoutbox):
    link, secret = issue_link(
        purpose=Purpose.DIAGNOSTIC, target=case, name="L", email="l@asso.example", by=None
    )
    message = queue_message(
        template="espace/email/diagnostic",
        to_email="l@asso.example",
        subject="s",
        context={"case": case, "link": link},
        secret=secret,
    )
    revoke(link, by=personas.officer_a)
    from messagerie.services import deliver

    assert deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert "plus disponible" in message.last_error
    assert mailoutbox == []


def test_tokens_are_masked_in_the_logs(caplog):
    from liens.redact import RedactSecrets

    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"GET %s HTTP/1.1" 302 0',
        ("/lien/AbC-dEf_123/",),
        None,
    )
    RedactSecrets().filter(record)
    assert record.getMessage() == '"GET /lien/[masqué] HTTP/1.1" 302 0'
