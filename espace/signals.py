"""The satisfaction survey leaves when a case is closed (whatever closed it)."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from accompagnements.models import State, TransitionLog


@receiver(post_save, sender=TransitionLog, dispatch_uid="espace-survey-at-closure")
def survey_at_closure(sender, instance: TransitionLog, created: bool, **kwargs) -> None:
    if created and instance.to_state == State.CLOTURE:
        from .tasks import send_satisfaction_survey

        case_id = instance.accompagnement_id
        transaction.on_commit(lambda: send_satisfaction_survey.delay(case_id))
