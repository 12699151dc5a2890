"""Daily reminders: running twice sends nothing twice."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnements.models import Notification, NotificationKind, State
from accompagnements.services import advance
from accompagnements.tasks import send_reminders
from tests.accompagnements.factories import AccompagnementFactory, FollowUpFactory


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def late_case(personas):
    return AccompagnementFactory(
        officer=personas.officer_a, state=State.ACCUEIL, state_entered_at=days_ago(45)
    )


def test_case_staying_too_long_in_its_phase_is_flagged_once(personas, late_case):
    AccompagnementFactory(officer=personas.officer_a, state_entered_at=days_ago(3))
    assert send_reminders.delay().get() == 1
    assert send_reminders.delay().get() == 0
    notification = Notification.objects.get()
    assert (notification.recipient, notification.accompagnement, notification.kind) == (
        personas.officer_a,
        late_case,
        NotificationKind.PHASE_OVERDUE,
    )
    assert "depuis 45 jours" in notification.message


def test_phase_delays_are_configurable(settings, personas, late_case):
    settings.ACCOMPAGNEMENT_PHASE_DELAYS = {"accueil": 60}
    assert send_reminders() == 0


def test_a_new_stay_in_the_phase_gets_a_new_reminder(personas, late_case):
    send_reminders()
    case = advance(late_case, "abandon", by=personas.officer_a, reason="autre")
    case = advance(case, "reopen", by=personas.officer_a, comment="Retour")
    type(case).objects.filter(pk=case.pk).update(state_entered_at=days_ago(40))
    assert send_reminders() == 1
    assert Notification.objects.filter(accompagnement=case).count() == 2


def test_followup_due_is_flagged_until_a_checkpoint_is_recorded(personas):
    case = AccompagnementFactory(
        officer=personas.officer_a, state=State.SUIVI, state_entered_at=days_ago(200)
    )
    assert send_reminders() == 1
    assert Notification.objects.get().kind == NotificationKind.FOLLOWUP_DUE
    other = AccompagnementFactory(
        officer=personas.officer_a, state=State.SUIVI, state_entered_at=days_ago(200)
    )
    FollowUpFactory(accompagnement=other)
    assert send_reminders() == 0
    assert case.notifications.count() == 1


def test_officer_is_told_when_someone_else_moves_their_case(
    personas, django_capture_on_commit_callbacks
):
    case = AccompagnementFactory(officer=personas.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        advance(case, "start_diagnostic", by=personas.admin)
    with django_capture_on_commit_callbacks(execute=True):
        advance(case, "abandon", by=personas.officer_a, reason="autre", expected_state="diagnostic")
    notification = Notification.objects.get()
    assert notification.kind == NotificationKind.TRANSITION
    assert "diagnostic partagé" in notification.message


def test_notifications_page_lists_and_marks_read(client_for, personas, late_case):
    send_reminders()
    client = client_for(personas.officer_a)
    response = client.get(reverse("accompagnements:notifications"))
    assert late_case.structure.name in response.text
    client.post(reverse("accompagnements:notifications_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert (
        client_for(personas.officer_b)
        .get(reverse("accompagnements:notifications"))
        .text.count(late_case.structure.name)
        == 0
    )
