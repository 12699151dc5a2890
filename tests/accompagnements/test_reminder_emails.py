"""Reminders reach each person by email as they chose: at once, every morning, or never."""

import datetime

import pytest
from django.utils import timezone

from accompagnements.models import Notification, State
from accompagnements.reminder_emails import email_daily_reminders, email_immediate_reminders
from accompagnements.tasks import send_reminders
from messagerie.models import Message
from messagerie.services import set_reminder_frequency
from tests.accompagnements.factories import AccompagnementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_cases(personas):
    for user in (personas.officer_a, personas.officer_b):
        user.email = f"{user.username}@dla.example"
        user.save()
    long_ago = timezone.now() - datetime.timedelta(days=45)
    return [
        AccompagnementFactory(
            officer=officer, dla=officer.dla, state=State.ACCUEIL, state_entered_at=long_ago
        )
        for officer in (personas.officer_a, personas.officer_a, personas.officer_b)
    ]


def test_immediate_reminders_are_emailed_once_in_one_message(
    personas, late_cases, mailoutbox, django_capture_on_commit_callbacks
):
    set_reminder_frequency(personas.officer_a, "immediat")
    send_reminders()
    with django_capture_on_commit_callbacks(execute=True):
        assert email_immediate_reminders.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert email_immediate_reminders.delay().get() == 0
    [email] = mailoutbox
    assert email.to == [f"{personas.officer_a} <alice@dla.example>"]
    assert email.body.count("est en phase « accueil » depuis 45 jours") == 2
    # Bob chose nothing: his reminder stays in the application only.
    assert Notification.objects.get(recipient=personas.officer_b).emailed_at is None


def test_daily_digest_waits_for_the_morning_task(
    personas, late_cases, mailoutbox, django_capture_on_commit_callbacks
):
    set_reminder_frequency(personas.officer_b, "quotidien")
    send_reminders()
    with django_capture_on_commit_callbacks(execute=True):
        assert email_immediate_reminders.delay().get() == 0
        assert email_daily_reminders.delay().get() == 1
    assert [m.subject for m in mailoutbox] == ["DLA Suivi : vos rappels du jour"]
    assert Message.objects.get().concerns == personas.officer_b
