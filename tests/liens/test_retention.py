"""RGPD retention covers the personal links: recipients and the link journal are erased
with the structure's other personal data (docs/rgpd.md), and only then."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accompagnements.models import IngenierieKind, State
from audit.models import ErasureLog
from audit.retention import apply_retention
from espace.models import Consultation
from liens.models import LinkEvent, Purpose, SecureLink
from liens.services import issue_link, record
from tests.accompagnements.factories import (
    AccompagnementFactory,
    IngenierieFactory,
    PlanActionFactory,
)
from tests.structures.factories import StructureFactory

YEAR = datetime.timedelta(days=365)


def ended_case(personas, name, closed_on):
    return AccompagnementFactory(
        structure=StructureFactory(name=name),
        officer=personas.officer_a,
        dla=personas.officer_a.dla,
        state=State.CLOTURE,
        opened_on=closed_on - datetime.timedelta(days=300),
        closed_on=closed_on,
    )


def link_with_journal(target, by, *, purpose=Purpose.DIAGNOSTIC, name="Lucie Martin"):
    link, _ = issue_link(
        purpose=purpose, target=target, name=name, email="lucie@asso.example", by=by
    )
    record(link, "ouverture", request=None, details={"remarques": "Merci, Lucie"})
    return link


def consultation_of(cases, by):
    ingenierie = IngenierieFactory(
        kind=IngenierieKind.COLLECTIVE if len(cases) > 1 else IngenierieKind.INDIVIDUELLE
    )
    for case in cases:
        PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie=ingenierie)
    return Consultation.objects.create(
        ingenierie=ingenierie,
        deadline=timezone.now() + datetime.timedelta(days=7),
        terms="Cahier des charges",
        sent_by=by,
    )


@pytest.fixture
def links(personas):
    # With a retention of 3 years: one ended 4 years ago, the other a year ago.
    today = timezone.localdate()
    old = ended_case(personas, "Ancienne", today - 4 * YEAR)
    recent = ended_case(personas, "Récente", today - YEAR)
    officer = personas.officer_a
    return {
        "old": link_with_journal(old, officer),
        "recent": link_with_journal(recent, officer),
        "old_consultation": link_with_journal(
            consultation_of([old], officer), officer, purpose=Purpose.EVALUATION
        ),
        # A collective ingénierie that also concerns a structure still kept.
        "shared_consultation": link_with_journal(
            consultation_of([old, recent], officer), officer, purpose=Purpose.EVALUATION
        ),
        "old_structure": old.structure_id,
    }


def test_links_of_an_expired_structure_forget_the_person_and_the_journal_too(links):
    report = apply_retention(years=3)
    for key in ("old", "old_consultation"):
        link = SecureLink.objects.get(pk=links[key].pk)
        assert (link.recipient_name, link.recipient_email) == ("Personne anonymisée", "")
        assert link.purpose in (Purpose.DIAGNOSTIC, Purpose.EVALUATION)  # what it was for stays
        event = LinkEvent.objects.get(link=link)
        assert (event.action, event.name, event.email, event.ip_address, event.details) == (
            "ouverture",
            "Personne anonymisée",
            "",
            None,
            {},
        )
    assert (report.links, report.link_events) == (2, 2)


def test_links_still_needed_keep_their_recipient(links):
    apply_retention(years=3)
    for key in ("recent", "shared_consultation"):
        link = SecureLink.objects.get(pk=links[key].pk)
        assert link.recipient_email == "lucie@asso.example"
        assert LinkEvent.objects.get(link=link).name == "Lucie Martin"


def test_each_erased_link_is_logged_and_a_second_run_erases_nothing(links):
    apply_retention(years=3)
    logged = ErasureLog.objects.filter(model="liens.SecureLink")
    assert set(logged.values_list("object_id", "structure_id", "history_rows")) == {
        (links["old"].pk, links["old_structure"], 1),
        (links["old_consultation"].pk, links["old_structure"], 1),
    }
    assert apply_retention(years=3).links == 0
    assert logged.count() == 2


def test_a_dry_run_counts_the_links_and_changes_nothing(links, capsys):
    call_command("apply_retention", "--dry-run", "--years", "3")
    assert "Liens personnels seraient anonymisés : 2 (lignes du journal des liens : 2)" in (
        capsys.readouterr().out
    )
    assert SecureLink.objects.get(pk=links["old"].pk).recipient_email == "lucie@asso.example"
    assert not ErasureLog.objects.exists()
