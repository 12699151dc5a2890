"""Queue a message (inside the caller's transaction) and deliver it (from the task)."""

import datetime
import smtplib
from email.headerregistry import Address
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Message, Preference, ReminderFrequency, Status
from .secrets import PLACEHOLDER, Secret, source

# Seconds before each new attempt: a mail server down for a few hours loses nothing.
RETRY_DELAYS = (60, 300, 1800, 7200)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A message claimed this long ago by a worker that died is tried again.
STALE_AFTER = datetime.timedelta(minutes=15)
# Errors the mail server will give again whatever we do: no retry.
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, ValueError)


class Outcome:
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


def site_url(path: str) -> str:
    """An absolute URL for an email (no request in a task: the SITE_URL setting)."""
    return settings.SITE_URL.rstrip("/") + path


def queue_message(
    *,
    template: str,
    to_email: str,
    subject: str,
    context: dict[str, Any] | None = None,
    to_name: str = "",
    concerns: models.Model | None = None,
    secret: Secret | None = None,
    by: Any = None,
) -> Message:
    """Render ``template`` (.txt and .html) and put the message in the outbox.

    Sent by a task once the surrounding transaction commits; nothing is sent if it
    rolls back.
    """
    context = {
        **(context or {}),
        "to_name": to_name,
        "subject": subject,
        "lien": PLACEHOLDER if secret else "",
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    message = Message.objects.create(
        kind=template,
        to_email=to_email,
        to_name=to_name,
        subject=subject[:200],
        body_text=render_to_string(f"{template}.txt", context),
        body_html=render_to_string(f"{template}.html", context),
        content_type=ContentType.objects.get_for_model(concerns) if concerns else None,
        object_id=concerns.pk if concerns else None,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        secret_kind=secret.kind if secret else "",
        secret_ref=secret.ref if secret else "",
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: _send_later(message.pk))
    return message


def _send_later(message_id: int) -> None:
    from .tasks import send_message

    send_message.delay(message_id)


def deliver(message_id: int) -> str:
    """One attempt at sending; the outcome tells the task whether to retry."""
    now = timezone.now()
    claimed = Message.objects.filter(pk=message_id, status=Status.QUEUED).update(
        status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=now
    )
    if not claimed:
        return Outcome.SKIPPED
    message = Message.objects.get(pk=message_id)
    text, html = message.body_text, message.body_html
    if message.secret_kind:
        url = source(message.secret_kind).url(message.secret_ref)
        if url is None:
            _fail(message, "Le lien personnel n'est plus disponible (révoqué ou expiré).")
            return Outcome.FAILED
        text, html = text.replace(PLACEHOLDER, url), html.replace(PLACEHOLDER, url)
    email = EmailMultiAlternatives(
        message.subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        # Address quotes what needs quoting and leaves accents to Django's encoder, so
        # the recipient reads « Marine Lévêque », not an encoded word, in any mail client.
        [str(Address(display_name=message.to_name, addr_spec=message.to_email))],
        headers={"Auto-Submitted": "auto-generated"},
    )
    if html:
        email.attach_alternative(html, "text/html")
    try:
        email.send()
    except PERMANENT_ERRORS as exc:
        _fail(message, _describe(exc))
        return Outcome.FAILED
    except (smtplib.SMTPException, OSError) as exc:
        if message.attempts >= MAX_ATTEMPTS:
            _fail(message, _describe(exc))
            return Outcome.FAILED
        delay = RETRY_DELAYS[message.attempts - 1]
        Message.objects.filter(pk=message.pk, status=Status.SENDING).update(
            status=Status.QUEUED,
            last_error=_describe(exc),
            next_attempt_at=now + datetime.timedelta(seconds=delay),
        )
        return Outcome.RETRY
    Message.objects.filter(pk=message.pk).update(
        status=Status.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    if message.secret_kind:
        source(message.secret_kind).delivered(message.secret_ref)
    return Outcome.SENT


def retry_delay(message_id: int) -> int:
    attempts = Message.objects.values_list("attempts", flat=True).get(pk=message_id)
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def _fail(message: Message, error: str) -> None:
    Message.objects.filter(pk=message.pk).update(
        status=Status.FAILED, last_error=error, next_attempt_at=None
    )


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__} : {exc}"[:1000]


def stale_messages(now: datetime.datetime | None = None) -> list[int]:
    """Messages a lost task left behind: claimed by a dead worker, or due and not picked up."""
    now = now or timezone.now()
    Message.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_AFTER).update(
        status=Status.QUEUED, next_attempt_at=F("claimed_at")
    )
    return list(
        Message.objects.filter(
            status=Status.QUEUED, next_attempt_at__lt=now - datetime.timedelta(minutes=5)
        ).values_list("pk", flat=True)
    )


def about_q(objects: list[models.Model]) -> models.Q:
    """Rows whose generic relation points at any of ``objects`` (joins, no lookups)."""
    condition = models.Q(pk__in=[])
    by_model: dict[tuple[str, str], list[int]] = {}
    for obj in objects:
        meta = obj._meta
        by_model.setdefault((meta.app_label, meta.model_name), []).append(obj.pk)
    for (app_label, model), pks in by_model.items():
        condition |= models.Q(
            content_type__app_label=app_label, content_type__model=model, object_id__in=pks
        )
    return condition


def messages_about(objects: list[models.Model]) -> models.QuerySet[Message]:
    """The outbox rows concerning any of ``objects`` (the caller has checked access to them)."""
    return Message.objects.filter(about_q(objects))


def reminder_frequency(user: Any) -> str:
    preference = Preference.objects.filter(user_id=user.pk).first()
    return preference.reminders if preference else ReminderFrequency.NONE


def set_reminder_frequency(user: Any, frequency: str) -> Preference:
    if frequency not in ReminderFrequency.values:
        raise ValueError(f"Fréquence inconnue : {frequency}.")
    preference, _ = Preference.objects.update_or_create(
        user_id=user.pk, defaults={"reminders": frequency}
    )
    return preference
