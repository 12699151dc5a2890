"""Sending the outbox. Tasks take primary keys; a conditional update claims each attempt."""

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_message(self, message_id: int) -> str:
    outcome = services.deliver(message_id)
    if outcome == services.Outcome.RETRY:
        raise self.retry(countdown=services.retry_delay(message_id))
    return outcome


@shared_task(acks_late=True)
def send_stale_messages() -> int:
    """Every few minutes: messages whose task was lost (worker killed, broker down)."""
    pending = services.stale_messages()
    for message_id in pending:
        send_message.delay(message_id)
    return len(pending)
