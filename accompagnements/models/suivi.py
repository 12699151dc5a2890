"""Suivi de l'accompagnement: follow-up checkpoints measuring the effects."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from structures.validation import check_contracts

from . import rules
from .ingenierie import Satisfaction


class Situation(models.TextChoices):
    CONSOLIDATED = "consolidee", "consolidée"
    DEVELOPING = "developpement", "en développement"
    FRAGILE = "fragile", "fragile"
    CEASED = "cessation", "cessation d'activité"


class FollowUp(models.Model):
    """A point de suivi: the structure's jobs, budget and situation after the support."""

    accompagnement = models.ForeignKey(
        "accompagnements.Accompagnement",
        on_delete=models.CASCADE,
        related_name="followups",
        verbose_name="accompagnement",
    )
    checked_on = models.DateField("date du point de suivi")
    headcount = models.PositiveIntegerField("effectif salarié")
    fte = models.DecimalField(
        "équivalents temps plein",
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    cdi_count = models.PositiveIntegerField("salariés en CDI")
    cdd_count = models.PositiveIntegerField("salariés en CDD")
    budget = models.PositiveBigIntegerField("budget annuel (€)", null=True, blank=True)
    situation = models.CharField("situation", max_length=20, choices=Situation.choices)
    satisfaction = models.PositiveSmallIntegerField(
        "satisfaction de la structure", choices=Satisfaction.choices, null=True, blank=True
    )
    comment = models.TextField("commentaire", blank=True)

    # Audit trail: who changed what and when (browsable in the admin).
    history = HistoricalRecords()

    class Meta:
        verbose_name = "point de suivi"
        verbose_name_plural = "points de suivi"
        ordering = ["checked_on", "pk"]

    def __str__(self):
        return f"Point de suivi du {self.checked_on:%d/%m/%Y}"

    def clean(self):
        errors = rules.merge(
            rules.not_in_future(self, "checked_on"),
            rules.not_before(
                self, "checked_on", rules.case_opened_on(self), "l'ouverture de l'accompagnement"
            ),
        )
        try:
            # The structure form's rule, word for word.
            check_contracts(self.headcount, self.cdi_count, self.cdd_count)
        except ValidationError as error:
            errors.setdefault("headcount", error.messages[0])
        if errors:
            raise ValidationError(errors)
