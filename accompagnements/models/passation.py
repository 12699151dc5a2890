"""Handing a case over: to another officer of its DLA, or to another DLA (accepted or refused).

Each handover is a journal row (who, when, from, to, why, the decision), shown in
the case's timeline. A transfer waits for the receiving DLA: until it accepts,
the case stays with its DLA, unchanged.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from territoires import policy


class PassationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Readers of the case, and the members of the DLA a transfer is offered to."""
        from .case import Accompagnement

        q = Q(accompagnement__in=Accompagnement.objects.visible_to(user).values("pk"))
        if (dla_id := policy.member_dla_id(user)) is not None:
            q |= Q(to_dla_id=dla_id)
        return self.filter(q)

    def editable_by(self, user):
        """Who decides: the receiving DLA (the policy's ``may_decide_transfer``)."""
        if policy.writes_everything(user):
            return self.all()
        dla_id = policy.member_dla_id(user)
        return self.filter(to_dla_id=dla_id) if dla_id is not None else self.none()

    def pending(self):
        return self.filter(status=PassationStatus.PENDING)


class PassationKind(models.TextChoices):
    REASSIGN = "reassign", "réattribution dans le DLA"
    TRANSFER = "transfer", "transfert à un autre DLA"


class PassationStatus(models.TextChoices):
    PENDING = "pending", "en attente de réponse"
    ACCEPTED = "accepted", "accepté"
    REFUSED = "refused", "refusé"
    DONE = "done", "fait"


class Passation(models.Model):
    accompagnement = models.ForeignKey(
        "accompagnements.Accompagnement",
        on_delete=models.PROTECT,
        related_name="passations",
        verbose_name="accompagnement",
    )
    kind = models.CharField("type", max_length=20, choices=PassationKind.choices)
    status = models.CharField("état", max_length=20, choices=PassationStatus.choices)
    from_dla = models.ForeignKey(
        "territoires.Dla", on_delete=models.PROTECT, related_name="+", verbose_name="DLA d'origine"
    )
    to_dla = models.ForeignKey(
        "territoires.Dla",
        on_delete=models.PROTECT,
        related_name="passations_recues",
        verbose_name="DLA destinataire",
    )
    from_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="chargé·e d'origine",
    )
    to_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="nouveau·elle chargé·e",
    )
    reason = models.TextField("motif", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="par"
    )
    requested_at = models.DateTimeField("le", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="décidé par",
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    decision_comment = models.TextField("réponse", blank=True)

    objects = PassationQuerySet.as_manager()

    class Meta:
        verbose_name = "passation"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One transfer at a time: a second request waits for the first answer.
            models.UniqueConstraint(
                fields=["accompagnement"],
                condition=Q(status="pending"),
                name="one_pending_passation_per_case",
            )
        ]

    def __str__(self):
        if self.kind == PassationKind.REASSIGN:
            return f"Réattribution à {self.to_officer}"
        return f"Transfert vers {self.to_dla} ({self.get_status_display()})"
