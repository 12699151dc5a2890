"""Reminders that stay true (issue 17): gone when their cause is, read when opened, counted."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnements.models import EchangeKind, Notification, NotificationKind, State
from accompagnements.services import advance
from accompagnements.services.echanges import add_task, log_exchange, set_task_done, update_task
from accompagnements.tasks import send_reminders
from tests.accompagnements.factories import AccompagnementFactory


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def late_case(personas):
    # 45 days in intake (reminder after 30) and never contacted (reminder after 15).
    return AccompagnementFactory(
        officer=personas.officer_a,
        state=State.ACCUEIL,
        state_entered_at=days_ago(45),
        opened_on=timezone.localdate() - datetime.timedelta(days=45),
    )


def kinds(case):
    return set(case.notifications.current().values_list("kind", flat=True))


def test_moving_the_case_on_resolves_the_reminder_about_its_phase(personas, late_case):
    send_reminders()
    assert kinds(late_case) == {NotificationKind.PHASE_OVERDUE, NotificationKind.NO_CONTACT}
    advance(late_case, "start_diagnostic", by=personas.officer_a)
    # The phase reminder is gone; the lack of contact is still true.
    assert kinds(late_case) == {NotificationKind.NO_CONTACT}
    overdue = late_case.notifications.get(kind=NotificationKind.PHASE_OVERDUE)
    assert overdue.resolved_at is not None


def test_closing_the_case_resolves_all_its_reminders(personas, late_case):
    send_reminders()
    advance(late_case, "abandon", by=personas.officer_a, reason="autre")
    assert kinds(late_case) == set()
    assert late_case.notifications.count() == 2


def test_logging_a_contact_resolves_the_no_contact_reminder(personas, late_case):
    send_reminders()
    log_exchange(
        late_case,
        by=personas.officer_a,
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        kind=EchangeKind.TELEPHONE,
        subject="Appel de relance",
    )
    assert kinds(late_case) == {NotificationKind.PHASE_OVERDUE}


def test_an_old_contact_logged_late_leaves_the_reminder_true(personas, late_case):
    send_reminders()
    log_exchange(
        late_case,
        by=personas.officer_a,
        occurred_at=days_ago(40),
        kind=EchangeKind.TELEPHONE,
        subject="Appel oublié",
    )
    assert NotificationKind.NO_CONTACT in kinds(late_case)


def test_a_task_done_or_postponed_resolves_its_reminder(personas):
    case = AccompagnementFactory(officer=personas.officer_a)
    today = timezone.localdate()
    done, postponed = (
        add_task(
            case,
            by=personas.officer_a,
            title=title,
            due_on=today - datetime.timedelta(days=3),
            assignee=personas.officer_a,
        )
        for title in ("Relancer", "Envoyer la synthèse")
    )
    send_reminders()
    assert Notification.objects.current().filter(kind=NotificationKind.TASK_OVERDUE).count() == 2
    set_task_done(done, by=personas.officer_a, done=True)
    update_task(
        postponed,
        by=personas.officer_a,
        title=postponed.title,
        due_on=today + datetime.timedelta(days=7),
        assignee=personas.officer_a,
    )
    assert not Notification.objects.current().filter(kind=NotificationKind.TASK_OVERDUE).exists()


def test_the_list_shows_current_reminders_and_resolved_ones_apart(client_for, personas, late_case):
    send_reminders()
    advance(late_case, "start_diagnostic", by=personas.officer_a)
    page = client_for(personas.officer_a).get(reverse("accompagnements:notifications")).text
    current, _, resolved = page.partition("Rappels résolus récemment (1)")
    assert "Pas de contact avec" in current
    assert "en phase « accueil »" not in current
    assert "en phase « accueil »" in resolved


def test_opening_a_reminder_marks_it_read_and_shows_its_case(client_for, personas, late_case):
    send_reminders()
    first, second = late_case.notifications.order_by("pk")
    client = client_for(personas.officer_a)
    url = reverse("accompagnements:notification_open")
    # A GET never writes: the list's entries are buttons posting here.
    assert client.get(url, {"rappel": first.pk}).status_code == 405
    first.refresh_from_db()
    assert first.read_at is None
    response = client.post(url, {"rappel": first.pk})
    assert response.url == late_case.get_absolute_url()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


def test_someone_elses_reminder_is_not_found(client_for, personas, late_case):
    send_reminders()
    notification = late_case.notifications.first()
    url = reverse("accompagnements:notification_open")
    response = client_for(personas.officer_b).post(url, {"rappel": notification.pk}, follow=True)
    assert "Ce rappel n&#x27;existe pas ou ne vous est pas adressé." in response.text
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_menu_counts_unread_current_reminders_in_one_query(
    client_for, personas, late_case, django_assert_num_queries
):
    from accompagnements.context_processors import reminders

    send_reminders()  # two: phase overdue, no contact
    late_case.notifications.filter(kind=NotificationKind.NO_CONTACT).update(read_at=timezone.now())

    def request_of(user):
        return type("Request", (), {"user": user})()

    request = request_of(personas.officer_a)
    with django_assert_num_queries(1):
        assert reminders(request)["unread_reminders"] == 1
        # Read once per request, however many templates the page renders.
        assert reminders(request)["unread_reminders"] == 1
    advance(late_case, "start_diagnostic", by=personas.officer_a)
    assert reminders(request_of(personas.officer_a))["unread_reminders"] == 0
    # People who work no cases get no badge (and no query).
    with django_assert_num_queries(0):
        assert reminders(request_of(personas.national)) == {}


def test_the_menu_shows_the_unread_count_beside_rappels(client_for, personas, late_case):
    send_reminders()  # two unread
    page = client_for(personas.officer_a).get(reverse("accompagnements:list")).text
    assert '<span class="badge badge--count">2<span class="visually-hidden"> non lus' in page


def test_the_signed_in_person_carries_the_unread_count_read_with_them(
    personas, late_case, django_assert_num_queries
):
    """accounts.backends reads the count with the person (the query every page makes): the
    menu then needs none of its own."""
    from accompagnements.context_processors import reminders
    from accounts.backends import signed_in_user

    send_reminders()  # two: phase overdue, no contact
    late_case.notifications.filter(kind=NotificationKind.NO_CONTACT).update(read_at=timezone.now())
    with django_assert_num_queries(1):
        user = signed_in_user(personas.officer_a.pk)
    request = type("Request", (), {"user": user})()
    with django_assert_num_queries(0):
        assert reminders(request)["unread_reminders"] == 1
    # Resolved reminders are not counted (the phase left: both resolved).
    advance(late_case, "start_diagnostic", by=personas.officer_a)
    assert signed_in_user(personas.officer_a.pk).unread_reminders == 0
    # Someone else's reminders are not theirs.
    assert signed_in_user(personas.officer_b.pk).unread_reminders == 0
