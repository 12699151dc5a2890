import datetime
import json

import pytest
from django.core.management import call_command

from accompagnements.models import State
from audit.models import ErasureLog, ImmutableError
from audit.retention import ANONYMISED, apply_retention
from structures.models import Contact
from tests.accompagnements.factories import AccompagnementFactory, DiagnosticFactory
from tests.structures.factories import ContactFactory, StructureFactory

TODAY = datetime.date(2026, 11, 26)


def closed_case(structure, officer, closed_on, state=State.CLOTURE):
    return AccompagnementFactory(
        structure=structure,
        officer=officer,
        dla=officer.dla,
        state=state,
        opened_on=closed_on - datetime.timedelta(days=300),
        closed_on=closed_on,
    )


@pytest.fixture
def old_and_recent(personas):
    old = StructureFactory(name="Ancienne")
    old_case = closed_case(old, personas.officer_a, datetime.date(2022, 6, 30))
    DiagnosticFactory(accompagnement=old_case, validated=True)
    old_contact = ContactFactory(
        structure=old, first_name="Jeanne", last_name="Martin", email="j.martin@example.org"
    )
    old_contact.email = "jeanne@example.org"
    old_contact.save()  # a second history row
    recent = StructureFactory(name="Récente")
    closed_case(recent, personas.officer_a, datetime.date(2025, 1, 10))
    recent_contact = ContactFactory(structure=recent, last_name="Durand")
    back = StructureFactory(name="Revenue")
    closed_case(back, personas.officer_a, datetime.date(2020, 1, 10))
    AccompagnementFactory(structure=back, officer=personas.officer_a)  # open again
    back_contact = ContactFactory(structure=back, last_name="Petit")
    return {"old": old_contact, "recent": recent_contact, "back": back_contact, "case": old_case}


def test_contacts_of_structures_whose_last_case_ended_long_ago_are_anonymised(old_and_recent):
    report = apply_retention(years=3, today=TODAY)
    old = Contact.objects.get(pk=old_and_recent["old"].pk)
    assert (old.first_name, old.last_name, old.email, old.phone) == (ANONYMISED, "", "", "")
    assert old.anonymised_at is not None
    assert old.role == "Président·e"  # what statistics and the officer's context need stays
    assert report.contacts == 1
    assert report.cutoff == datetime.date(2023, 11, 26)


def test_recent_or_reopened_structures_keep_their_contacts(old_and_recent):
    apply_retention(years=3, today=TODAY)
    assert Contact.objects.get(pk=old_and_recent["recent"].pk).last_name == "Durand"
    assert Contact.objects.get(pk=old_and_recent["back"].pk).last_name == "Petit"


def test_history_rows_lose_the_personal_data_too(old_and_recent):
    apply_retention(years=3, today=TODAY)
    history = Contact.history.filter(id=old_and_recent["old"].pk)
    assert history.count() == 2
    assert set(history.values_list("last_name", "email")) == {("", "")}


def test_validation_names_are_anonymised_but_the_case_stays_validated(old_and_recent):
    apply_retention(years=3, today=TODAY)
    diagnostic = old_and_recent["case"].diagnostic
    diagnostic.refresh_from_db()
    assert diagnostic.validated_by_name == ANONYMISED
    assert diagnostic.is_validated


def test_every_erasure_is_logged_without_personal_data(old_and_recent):
    apply_retention(years=3, today=TODAY)
    logs = list(ErasureLog.objects.order_by("model"))
    assert [(log.model, log.reason) for log in logs] == [
        ("accompagnements.Diagnostic", "retention"),
        ("structures.Contact", "retention"),
    ]
    contact_log = logs[1]
    assert contact_log.object_id == old_and_recent["old"].pk
    assert contact_log.history_rows == 2
    assert "Martin" not in json.dumps(contact_log.fields)


def test_dry_run_changes_nothing(old_and_recent):
    report = apply_retention(years=3, today=TODAY, dry_run=True)
    assert report.contacts == 1
    assert Contact.objects.get(pk=old_and_recent["old"].pk).last_name == "Martin"
    assert not ErasureLog.objects.exists()


def test_running_twice_erases_and_logs_once(old_and_recent):
    apply_retention(years=3, today=TODAY)
    second = apply_retention(years=3, today=TODAY)
    assert second.contacts == 0
    assert second.validations == 0
    assert ErasureLog.objects.count() == 2


def test_erasure_log_rows_cannot_be_changed_or_deleted(old_and_recent):
    apply_retention(years=3, today=TODAY)
    log = ErasureLog.objects.first()
    log.model = "autre"
    with pytest.raises(ImmutableError):
        log.save()
    with pytest.raises(ImmutableError):
        log.delete()


def test_command_reports_in_french_and_dry_run_says_so(old_and_recent, capsys):
    call_command("apply_retention", "--dry-run", "--years", "1")
    out = capsys.readouterr().out
    assert "Contacts seraient anonymisés : 2" in out
    assert "Simulation : rien n'a été modifié." in out
    assert Contact.objects.filter(anonymised_at__isnull=False).count() == 0


def test_contact_export_lists_everything_held(old_and_recent, capsys):
    call_command("export_contact_data", str(old_and_recent["old"].pk))
    data = json.loads(capsys.readouterr().out)
    assert data["contact"]["last_name"] == "Martin"
    assert data["structure"]["name"] == "Ancienne"
    assert [row["email"] for row in data["history"]] == [
        "j.martin@example.org",
        "jeanne@example.org",
    ]
