"""Creating and revoking personal API tokens."""

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import ApiToken

TOKEN_PREFIX = "dla"
# Offered lifetimes in days; a token never lives longer than a year.
LIFETIMES = {30: "30 jours", 90: "90 jours", 180: "6 mois", 365: "1 an"}


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    # The only time the full token exists outside the holder's hands: shown once.
    raw: str


def digest(raw: str) -> str:
    # Tokens carry 256 random bits: a plain SHA-256 is enough (no slow password hash needed).
    return hashlib.sha256(raw.encode()).hexdigest()


def split(raw: str) -> tuple[str, str] | None:
    """``dla_<prefix>_<secret>`` → (prefix, secret); ``None`` for anything else."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def matches(token: ApiToken, raw: str) -> bool:
    return hmac.compare_digest(token.key_hash, digest(raw))


@transaction.atomic
def create_token(
    user: User, *, name: str, days: int, now: datetime.datetime | None = None
) -> NewToken:
    name = " ".join(name.split())
    if not name:
        raise ValidationError(
            {"name": "Donnez un nom au jeton (l'outil qui l'utilise, par exemple)."}
        )
    if days not in LIFETIMES:
        raise ValidationError({"days": "Choisissez une durée de validité proposée."})
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise ValidationError("Seule une personne connectée peut créer un jeton.")
    now = now or timezone.now()
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=digest(raw),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    return NewToken(token, raw)


@transaction.atomic
def revoke_token(user: User, token_id: int, *, now: datetime.datetime | None = None) -> ApiToken:
    """Revoke one of ``user``'s own tokens; someone else's is treated as not found."""
    token = ApiToken.objects.owned_by(user).select_for_update().filter(pk=token_id).first()
    if token is None:
        raise ApiToken.DoesNotExist("Ce jeton n'existe pas.")
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
