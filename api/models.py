"""Personal API tokens: shown once, stored hashed, read-only, with an expiry."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


def usable_q(now) -> Q:
    """Neither revoked nor expired: the one rule for authenticating and for the token list."""
    return Q(revoked_at__isnull=True, expires_at__gt=now)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        return self.filter(usable_q(now or timezone.now()))

    def with_usability(self, now=None):
        return self.annotate(
            usable=models.ExpressionWrapper(
                usable_q(now or timezone.now()), output_field=models.BooleanField()
            )
        )

    def owned_by(self, user):
        """A person manages their own tokens only (a token is not a territorial record)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user_id=user.pk)


class Scope(models.TextChoices):
    READ = "lecture", "lecture seule"


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="titulaire",
    )
    name = models.CharField("nom", max_length=100)
    # Public part of the token, to find the row; the secret part is only kept hashed.
    prefix = models.CharField("préfixe", max_length=12, unique=True, editable=False)
    key_hash = models.CharField("empreinte", max_length=64, editable=False)
    scope = models.CharField("portée", max_length=20, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    expires_at = models.DateTimeField("expire le")
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["key_hash"])

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="api_token_expires_after_creation",
                condition=Q(expires_at__gt=models.F("created_at")),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
