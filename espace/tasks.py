"""Links the product sends on its own: the satisfaction survey, the follow-up questionnaire."""

import datetime

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accompagnements.models import Accompagnement, State
from liens.models import Purpose, SecureLink

from .services.common import first_contact, send_link
from .services.structure import add_months


def _already_sent(case: Accompagnement, purpose: str) -> bool:
    return SecureLink.objects.about(case).filter(purpose=purpose).exists()


def _send_once(case_id: int, purpose: str) -> bool:
    with transaction.atomic():
        # The row lock makes two runs for the same case send one link.
        case = (
            Accompagnement.objects.select_for_update()
            .select_related("structure", "officer", "dla")
            .get(pk=case_id)
        )
        contact = first_contact(case.structure)
        if contact is None or _already_sent(case, purpose):
            return False
        send_link(
            purpose=purpose,
            target=case,
            name=str(contact),
            email=contact.email,
            by=None,
            context={"case": case, "structure": case.structure},
        )
    return True


@shared_task(acks_late=True)
def send_satisfaction_survey(case_id: int) -> bool:
    """At closure: the structure's satisfaction, sent once per case."""
    return _send_once(case_id, Purpose.SATISFACTION)


def questionnaire_due(now: datetime.datetime | None = None):
    """Cases delivered (in follow-up) for FOLLOWUP_QUESTIONNAIRE_MONTHS, without a questionnaire."""
    today = timezone.localdate(now)
    months = settings.FOLLOWUP_QUESTIONNAIRE_MONTHS
    cases = Accompagnement.objects.filter(state=State.SUIVI).only("pk", "state_entered_at")
    sent = set(
        SecureLink.objects.filter(
            purpose=Purpose.SUIVI, content_type__model="accompagnement"
        ).values_list("object_id", flat=True)
    )
    return [
        case.pk
        for case in cases.iterator()
        if case.pk not in sent
        and add_months(timezone.localdate(case.state_entered_at), months) <= today
    ]


@shared_task(acks_late=True)
def send_followup_questionnaires() -> int:
    return sum(_send_once(case_id, Purpose.SUIVI) for case_id in questionnaire_due())
