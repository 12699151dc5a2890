"""Exchanges and tasks: what an officer records of a case, and the rules that hold it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accompagnements.models import Accompagnement, EchangeKind, Tache
from accompagnements.models.echanges import lacks_contact, with_last_contact, without_recent_contact
from accompagnements.services.echanges import (
    add_task,
    log_exchange,
    set_task_done,
    update_exchange,
)
from tests.accompagnements.factories import (
    AccompagnementFactory,
    ActeurAppuiFactory,
    PrestataireFactory,
)
from tests.accounts.factories import UserFactory
from tests.structures.factories import ContactFactory, StructureFactory


@pytest.fixture
def case(personas):
    return AccompagnementFactory(
        officer=personas.officer_a,
        opened_on=timezone.localdate() - datetime.timedelta(days=40),
    )


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


def test_an_exchange_with_its_participants_and_next_step(case, personas):
    contact = ContactFactory(structure=case.structure, last_name="Durand")
    prestataire = PrestataireFactory(name="Cabinet Alpha")
    due = timezone.localdate() + datetime.timedelta(days=7)
    echange = log_exchange(
        case,
        by=personas.officer_a,
        occurred_at=ago(hours=2),
        kind=EchangeKind.SUR_PLACE,
        subject="Premier entretien de diagnostic",
        summary="Rencontre avec la présidente.",
        contacts=[contact],
        staff=[personas.officer_a],
        prestataires=[prestataire],
        next_step="Envoyer la synthèse",
        next_step_due=due,
    )
    assert list(echange.contacts.all()) == [contact]
    assert list(echange.prestataires.all()) == [prestataire]
    task = Tache.objects.get(echange=echange)
    assert (task.title, task.due_on, task.assignee) == (
        "Envoyer la synthèse",
        due,
        personas.officer_a,
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"occurred_at": "future"}, "occurred_at", "ne peut pas être dans le futur"),
        ({"occurred_at": "before_opening"}, "occurred_at", "précéder l'ouverture"),
        ({"next_step_due": "due"}, "next_step", "décrivez l'étape"),
        ({"next_step": "Relancer"}, "next_step_due", "indiquez une date"),
        ({"next_step": "Relancer", "next_step_due": "past"}, "next_step_due", "précéder l'échange"),
        ({"subject": " "}, "subject", "indiquez l'objet"),
    ],
)
def test_exchange_rules_refuse_with_the_field_named(case, personas, fields, field, message):
    values = {
        "future": timezone.now() + datetime.timedelta(hours=1),
        # Two days before the opening: one day back from late evening in November is
        # the opening day itself in Paris when October was in summer time (UTC+2).
        "before_opening": ago(days=42),
        "due": timezone.localdate(),
        "past": timezone.localdate() - datetime.timedelta(days=3),
    }
    arguments = {
        "occurred_at": ago(hours=1),
        "kind": EchangeKind.TELEPHONE,
        "subject": "Appel",
        **{name: values.get(value, value) for name, value in fields.items()},
    }
    with pytest.raises(ValidationError) as refused:
        log_exchange(case, by=personas.officer_a, **arguments)
    assert message in " ".join(refused.value.message_dict[field])
    assert not case.echanges.exists()


def test_participants_must_belong_to_the_case(case, personas):
    stranger = ContactFactory(structure=StructureFactory())
    with pytest.raises(ValidationError) as refused:
        log_exchange(
            case,
            by=personas.officer_a,
            occurred_at=ago(hours=1),
            kind=EchangeKind.EMAIL,
            subject="Courriel",
            contacts=[stranger],
            staff=[personas.officer_b],
        )
    assert set(refused.value.message_dict) == {"contacts", "staff"}


def test_an_officer_of_another_department_cannot_log_an_exchange(case, personas):
    with pytest.raises(PermissionDenied):
        log_exchange(
            case, by=personas.officer_b, occurred_at=ago(hours=1), kind="email", subject="x"
        )


def test_correcting_an_exchange_moves_its_pending_task(case, personas):
    echange = log_exchange(
        case,
        by=personas.officer_a,
        occurred_at=ago(hours=3),
        kind=EchangeKind.VISIO,
        subject="Point",
        next_step="Relancer",
        next_step_due=timezone.localdate() + datetime.timedelta(days=2),
    )
    later = timezone.localdate() + datetime.timedelta(days=10)
    update_exchange(
        echange, by=personas.officer_a, next_step="Relancer le trésorier", next_step_due=later
    )
    task = Tache.objects.get(echange=echange)
    assert (task.title, task.due_on) == ("Relancer le trésorier", later)
    assert echange.history.count() == 2


def test_a_task_goes_to_a_member_of_the_case_dla(case, personas):
    with pytest.raises(ValidationError) as refused:
        add_task(
            case,
            by=personas.officer_a,
            title="Préparer le comité",
            due_on=timezone.localdate(),
            assignee=personas.officer_b,
        )
    assert "membre du DLA porteur" in refused.value.message_dict["assignee"][0]
    colleague = UserFactory(username="colleague", dla=personas.officer_a.dla)
    task = add_task(
        case,
        by=personas.officer_a,
        title="Préparer le comité",
        due_on=timezone.localdate(),
        assignee=colleague,
    )
    assert task.assignee == colleague


def test_ticking_a_task_twice_records_one_completion(case, personas):
    task = add_task(
        case,
        by=personas.officer_a,
        title="Appeler",
        due_on=timezone.localdate(),
        assignee=personas.officer_a,
    )
    first = set_task_done(task, by=personas.officer_a, done=True)
    second = set_task_done(task, by=personas.officer_a, done=True)
    assert first.done_at == second.done_at
    assert task.history.count() == 2
    undone = set_task_done(task, by=personas.officer_a, done=False)
    assert undone.done_at is None
    assert undone.done_by is None


def test_overdue_tasks_are_the_pending_ones_due_before_today(case, personas):
    today = timezone.localdate()
    make = lambda title, days: add_task(  # noqa: E731
        case,
        by=personas.officer_a,
        title=title,
        due_on=today + datetime.timedelta(days=days),
        assignee=personas.officer_a,
    )
    late, due_today, done = make("en retard", -1), make("aujourd'hui", 0), make("faite", -5)
    set_task_done(done, by=personas.officer_a, done=True)
    assert list(Tache.objects.overdue(today)) == [late]
    assert [t.is_overdue for t in (late, due_today)] == [True, False]


# -- Last contact ------------------------------------------------------------------------


def test_no_contact_for_longer_than_the_phase_allows(personas, settings):
    settings.ACCOMPAGNEMENT_CONTACT_DELAYS = {"accueil": 10}
    now = timezone.now()
    today = timezone.localdate()
    quiet = AccompagnementFactory(
        officer=personas.officer_a, opened_on=today - datetime.timedelta(days=30)
    )
    recent = AccompagnementFactory(
        officer=personas.officer_a, opened_on=today - datetime.timedelta(days=30)
    )
    new = AccompagnementFactory(
        officer=personas.officer_a, opened_on=today - datetime.timedelta(days=5)
    )
    log_exchange(
        quiet, by=personas.officer_a, occurred_at=ago(days=11), kind="telephone", subject="Appel"
    )
    log_exchange(
        recent, by=personas.officer_a, occurred_at=ago(days=9), kind="telephone", subject="Appel"
    )
    never = AccompagnementFactory(
        officer=personas.officer_a, opened_on=today - datetime.timedelta(days=11)
    )
    flagged = set(
        without_recent_contact(Accompagnement.objects.all(), now).values_list("pk", flat=True)
    )
    assert flagged == {quiet.pk, never.pk}
    # The instance side agrees, case by case.
    for case in with_last_contact(Accompagnement.objects.all()):
        assert lacks_contact(case, now) is (case.pk in flagged), case
    assert new.pk not in flagged


# -- Views -------------------------------------------------------------------------------


def test_logging_an_exchange_through_the_form(case, personas, client_for):
    client = client_for(personas.officer_a)
    url = reverse("accompagnements:echange_add", args=[case.pk])
    assert client.get(url).status_code == 200
    when = timezone.localtime(ago(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url, {"occurred_at": when, "kind": "telephone", "subject": "Appel de la trésorière"}
    )
    assert response.status_code == 302
    page = client.get(reverse("accompagnements:timeline", args=[case.pk])).text
    assert "Téléphone : Appel de la trésorière" in page


def test_the_form_names_the_field_of_a_future_date(case, personas, client_for):
    client = client_for(personas.officer_a)
    when = timezone.localtime(timezone.now() + datetime.timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    response = client.post(
        reverse("accompagnements:echange_add", args=[case.pk]),
        {"occurred_at": when, "kind": "telephone", "subject": "Appel"},
    )
    assert response.status_code == 200
    assert "dans le futur" in response.context["form"].errors["occurred_at"][0]


def test_the_timeline_is_newest_first_and_filters_by_kind(case, personas, client_for):
    log_exchange(
        case,
        by=personas.officer_a,
        occurred_at=ago(days=3),
        kind="email",
        subject="Courriel ancien",
    )
    log_exchange(
        case, by=personas.officer_a, occurred_at=ago(days=1), kind="visio", subject="Visio récente"
    )
    client = client_for(personas.officer_a)
    url = reverse("accompagnements:timeline", args=[case.pk])
    page = client.get(url).text
    assert page.index("Visio récente") < page.index("Courriel ancien")
    filtered = client.get(url, {"quoi": "echange:email"}).text
    assert "Courriel ancien" in filtered
    assert "Visio récente" not in filtered


def test_my_tasks_page_lists_my_pending_tasks(case, personas, client_for):
    add_task(
        case,
        by=personas.officer_a,
        title="Tâche d'Alice",
        due_on=timezone.localdate(),
        assignee=personas.officer_a,
    )
    page = client_for(personas.officer_a).get(reverse("accompagnements:taches")).text
    assert "Tâche d&#x27;Alice" in page
    assert (
        "Tâche d&#x27;Alice"
        not in client_for(personas.coordinator).get(reverse("accompagnements:taches")).text
    )


def test_the_daily_reminder_flags_silent_cases_and_overdue_tasks_once(personas, settings):
    from accompagnements.models import Notification, NotificationKind
    from accompagnements.tasks import send_reminders

    settings.ACCOMPAGNEMENT_CONTACT_DELAYS = {"accueil": 10}
    today = timezone.localdate()
    quiet = AccompagnementFactory(
        officer=personas.officer_a, opened_on=today - datetime.timedelta(days=20)
    )
    busy = AccompagnementFactory(
        officer=personas.officer_a, opened_on=today - datetime.timedelta(days=20)
    )
    log_exchange(busy, by=personas.officer_a, occurred_at=ago(days=2), kind="email", subject="x")
    add_task(
        busy,
        by=personas.officer_a,
        title="Envoyer la convention",
        due_on=today - datetime.timedelta(days=1),
        assignee=personas.officer_a,
    )
    send_reminders()
    send_reminders()
    reminders = Notification.objects.filter(
        kind__in=[NotificationKind.NO_CONTACT, NotificationKind.TASK_OVERDUE]
    )
    assert sorted((n.kind, n.accompagnement_id) for n in reminders) == [
        (NotificationKind.NO_CONTACT, quiet.pk),
        (NotificationKind.TASK_OVERDUE, busy.pk),
    ]
    task_reminder = reminders.get(kind=NotificationKind.TASK_OVERDUE)
    assert "Envoyer la convention" in task_reminder.message
    assert task_reminder.recipient == personas.officer_a


def test_the_timeline_names_each_exchanges_participants(case, personas, client_for):
    durand = ContactFactory(structure=case.structure, first_name="Léa", last_name="Durand")
    alpha = PrestataireFactory(name="Cabinet Alpha")
    incubateur = ActeurAppuiFactory(name="Incubateur Bretagne")
    for subject, contacts, prestataires, acteurs, other in (
        ("Entretien", [durand], [alpha], [incubateur], "la trésorière"),
        ("Appel seul", [], [], [], ""),
    ):
        log_exchange(
            case,
            by=personas.officer_a,
            occurred_at=ago(hours=3),
            kind=EchangeKind.TELEPHONE,
            subject=subject,
            summary="Point.",
            contacts=contacts,
            staff=[personas.officer_a] if contacts else [],
            prestataires=prestataires,
            acteurs=acteurs,
            other_participants=other,
        )
    page = client_for(personas.officer_a).get(
        reverse("accompagnements:timeline", args=[case.pk]), {"quoi": "echanges"}
    )
    text = " ".join(page.text.split())
    # Contacts, staff, consultants, support actors, then the others written in, in that
    # order; an exchange without anyone listed has no participants line.
    expected = (
        f"Participants : {durand}, {personas.officer_a}, Cabinet Alpha, Incubateur Bretagne, "
        "la trésorière"
    )
    assert expected in text
    assert text.count("Participants :") == 1
