"""Issuing, opening, using and revoking personal links; the journal of what they did."""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import throttle
from messagerie.secrets import Secret
from messagerie.services import site_url

from .models import LinkEvent, Purpose, SecureLink
from .tokens import hash_token, new_nonce, token_for

logger = logging.getLogger("liens")

SECRET_KIND = "lien"
SESSION_KEY = "liens"
THROTTLE_SCOPE = "liens-ip"


class LinkRefused(Exception):
    """The link cannot be used; ``message`` says why, in French."""

    def __init__(self, message: str, status: int = 410):
        super().__init__(message)
        self.message = message
        self.status = status


INVALID = "Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier depuis le courriel reçu."
TOO_MANY = (
    "Trop de tentatives avec des liens non valides depuis votre connexion. "
    "Réessayez dans un quart d'heure."
)


def issue_link(
    *,
    purpose: Purpose | str,
    target: models.Model,
    name: str,
    email: str,
    by: Any,
    single_use: bool = True,
    expires_at: datetime.datetime | None = None,
) -> tuple[SecureLink, Secret]:
    """A new link for one person, one purpose, one object. The caller queues the email."""
    nonce = new_nonce()
    link = SecureLink.objects.create(
        purpose=purpose,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        recipient_name=name.strip(),
        recipient_email=email.strip(),
        token_hash=hash_token(token_for(nonce)),
        nonce=nonce,
        single_use=single_use,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        expires_at=expires_at
        or timezone.now() + datetime.timedelta(days=settings.LINK_VALIDITY_DAYS),
    )
    return link, Secret(SECRET_KIND, str(link.pk))


def url_to_send(ref: str) -> str | None:
    """The link's URL for the email being sent; None once it can no longer be used."""
    link = SecureLink.objects.filter(pk=ref).first()
    if link is None or not link.nonce or link.refusal() is not None:
        return None
    return site_url(reverse("liens:open", args=[token_for(link.nonce)]))


def forget_secret(ref: str) -> None:
    """The email is sent: nothing can rebuild the token any more."""
    SecureLink.objects.filter(pk=ref).update(nonce="")


def revoke(link: SecureLink, *, by: Any) -> SecureLink:
    SecureLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by, nonce=""
    )
    link.refresh_from_db()
    return link


def is_throttled(request) -> bool:
    return throttle.is_blocked(
        THROTTLE_SCOPE, throttle.client_ip(request), limit=settings.LINK_ATTEMPTS_LIMIT
    )


def count_failure(request, reason: str, link: SecureLink | None = None) -> None:
    throttle.count(
        THROTTLE_SCOPE, throttle.client_ip(request), window=settings.LINK_ATTEMPTS_WINDOW
    )
    # Never the token: the link's id when there is one, and the address.
    logger.warning(
        "Lien refusé (%s) lien=%s ip=%s",
        reason,
        link.pk if link else "inconnu",
        throttle.client_ip(request),
    )


def open_token(request, token: str) -> SecureLink:
    """Recognise ``token``, grant this browser session the link, return it (or refuse)."""
    if is_throttled(request):
        raise LinkRefused(TOO_MANY, status=429)
    link = SecureLink.objects.filter(token_hash=hash_token(token)).first()
    if link is None:
        count_failure(request, "inconnu")
        raise LinkRefused(INVALID, status=404)
    refusal = link.refusal()
    if refusal:
        count_failure(request, "inutilisable", link)
        raise LinkRefused(refusal)
    request.session.cycle_key()
    granted = [pk for pk in request.session.get(SESSION_KEY, []) if pk != link.pk]
    request.session[SESSION_KEY] = [*granted[-9:], link.pk]
    return link


def link_for_session(request, link_pk: int, purpose: str) -> SecureLink:
    """The link this session opened, for this purpose, still usable; else refuse."""
    if is_throttled(request):
        raise LinkRefused(TOO_MANY, status=429)
    link = SecureLink.objects.filter(pk=link_pk, purpose=purpose).first()
    if link is None or link.pk not in request.session.get(SESSION_KEY, []):
        count_failure(request, "hors session")
        raise LinkRefused(INVALID, status=404)
    refusal = link.refusal()
    if refusal:
        raise LinkRefused(refusal)
    return link


def record(
    link: SecureLink,
    action: str,
    *,
    request,
    name: str = "",
    email: str = "",
    details: dict | None = None,
) -> LinkEvent:
    """Journal an action taken through ``link`` (with the person's name, email and IP)."""
    return LinkEvent.objects.create(
        link=link,
        action=action,
        name=(name or link.recipient_name)[:200],
        email=email or link.recipient_email,
        ip_address=throttle.client_ip(request) if request else None,
        details=details or {},
    )


def consume(link: SecureLink) -> None:
    """Mark a single-use link used, inside the action's transaction; refuse a second use."""
    if not link.single_use:
        return
    claimed = SecureLink.objects.filter(
        pk=link.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).update(used_at=timezone.now(), nonce="")
    if not claimed:
        raise LinkRefused("Ce lien a déjà été utilisé ou n'est plus valable.")


@transaction.atomic
def act(link: SecureLink, action: str, *, request, final: bool, **journal: Any) -> LinkEvent:
    """Journal an action and, when it is final, use the link up: both or neither."""
    locked = SecureLink.objects.select_for_update().get(pk=link.pk)
    refusal = locked.refusal()
    if refusal:
        raise LinkRefused(refusal)
    if final:
        consume(locked)
    return record(locked, action, request=request, **journal)


def links_about(objects: list[models.Model]) -> models.QuerySet[SecureLink]:
    from messagerie.services import about_q

    return SecureLink.objects.filter(about_q(objects))


# -- RGPD retention ------------------------------------------------------------------------

ANONYMISED = "Personne anonymisée"


@dataclass(frozen=True)
class ErasedLink:
    """One link whose recipient and journal lost their personal data."""

    link_id: int
    object_id: int
    events: int


def erase_people(
    model: type[models.Model], object_ids: Iterable[int], *, dry_run: bool = False
) -> list[ErasedLink]:
    """RGPD retention (``audit.retention``): the links about these objects, and what was
    done through them, forget who the person was. ``dry_run``: say what, change nothing.

    The link keeps its purpose, dates and state; each journal row keeps its action and
    date but not the name, email, IP address or free answers (``details``). The journal
    is otherwise immutable (``LinkEventQuerySet``): this is its one sanctioned erasure,
    hence the base ``QuerySet.update``. Links already erased are skipped.
    """
    links = SecureLink.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=list(object_ids)
    ).exclude(recipient_email="")
    erased = [
        ErasedLink(pk, object_id, events)
        for pk, object_id, events in links.annotate(journal_rows=models.Count("events"))
        .order_by("pk")
        .values_list("pk", "object_id", "journal_rows")
    ]
    if erased and not dry_run:
        link_ids = [link.link_id for link in erased]
        models.QuerySet.update(
            LinkEvent.objects.filter(link_id__in=link_ids),
            name=ANONYMISED,
            email="",
            ip_address=None,
            details={},
        )
        SecureLink.objects.filter(pk__in=link_ids).update(
            recipient_name=ANONYMISED, recipient_email="", nonce=""
        )
    return erased
