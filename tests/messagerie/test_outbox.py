"""The outbox sends through a real SMTP server, retries what can be retried, records all."""

import pytest
from django.db import transaction

from messagerie.models import Message, Status
from messagerie.services import MAX_ATTEMPTS, RETRY_DELAYS, Outcome, deliver, queue_message
from tests.accompagnements.factories import AccompagnementFactory

pytestmark = pytest.mark.django_db


def _queue(**overrides):
    case = AccompagnementFactory()
    params = {
        "template": "messagerie/test",
        "to_email": "presidente@asso.example",
        "to_name": "Lucie Martin",
        "subject": "Votre diagnostic partagé",
        "context": {"intro": "Le diagnostic est prêt."},
        "concerns": case,
    }
    params.update(overrides)
    return queue_message(**params)


@pytest.fixture(autouse=True)
def _test_template(settings, tmp_path):
    folder = tmp_path / "templates" / "messagerie"
    folder.mkdir(parents=True)
    (folder / "test.txt").write_text("{{ intro }} Accès : {{ lien }}")
    (folder / "test.html").write_text('<p>{{ intro }}</p><a href="{{ lien }}">ouvrir</a>')
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]


def test_a_message_is_sent_by_smtp_after_commit_with_text_and_html(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue()
        assert smtp_server.messages == []  # nothing leaves before the commit

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 1, "")
    assert message.sent_at is not None
    [sent] = smtp_server.messages
    assert sent["Subject"] == "Votre diagnostic partagé"
    assert sent["To"] == "Lucie Martin <presidente@asso.example>"
    assert sent["Auto-Submitted"] == "auto-generated"
    assert sent.get_body(("plain",)).get_content().strip() == "Le diagnostic est prêt. Accès :"
    assert "<p>Le diagnostic est prêt.</p>" in sent.get_body(("html",)).get_content()


def test_nothing_is_queued_or_sent_when_the_transaction_rolls_back(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                _queue()
                raise RuntimeError("la suite de l'action échoue")
        except RuntimeError:
            pass
    assert callbacks == []
    assert Message.objects.count() == 0
    assert smtp_server.messages == []


def test_a_server_saying_try_later_is_retried_with_a_delay_until_it_accepts(
    smtp_server, django_capture_on_commit_callbacks
):
    from celery.exceptions import Retry

    smtp_server.handler.temporary_failures = 2
    with pytest.raises(Retry) as retry, django_capture_on_commit_callbacks(execute=True):
        message = _queue()
    assert retry.value.when == RETRY_DELAYS[0]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 1)
    assert "451" in message.last_error
    # The worker runs the retried task later: the same delivery, attempted again.
    assert deliver(message.pk) == Outcome.RETRY
    assert deliver(message.pk) == Outcome.SENT
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 3, "")
    assert len(smtp_server.messages) == 1


def test_a_refused_recipient_fails_at_once_with_the_servers_answer(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.handler.refused_recipients = {"inconnu@asso.example"}
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(to_email="inconnu@asso.example")
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 1)
    assert "Destinataire inconnu" in message.last_error
    assert smtp_server.messages == []


def test_an_unreachable_server_is_tried_a_bounded_number_of_times(settings):
    from .smtp import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    message = _queue()  # the test's transaction never commits: the worker's part by hand
    outcomes = [deliver(message.pk) for _ in range(MAX_ATTEMPTS + 1)]
    assert outcomes == [Outcome.RETRY] * (MAX_ATTEMPTS - 1) + [Outcome.FAILED, Outcome.SKIPPED]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, MAX_ATTEMPTS)
    assert "ConnectionRefusedError" in message.last_error


def test_a_message_already_sent_is_not_sent_again(smtp_server, django_capture_on_commit_callbacks):
    from messagerie.tasks import send_message

    with django_capture_on_commit_callbacks(execute=True):
        message = _queue()
    assert send_message.delay(message.pk).get() == "skipped"
    assert len(smtp_server.messages) == 1


def test_a_message_left_sending_by_a_dead_worker_is_sent_by_the_sweeper(
    mailoutbox, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from messagerie.tasks import send_stale_messages

    message = _queue()  # no commit callback: its task was lost
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    Message.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=long_ago, attempts=1
    )
    assert send_stale_messages.delay().get() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)
    assert [m.subject for m in mailoutbox] == ["Votre diagnostic partagé"]
