"""Élaboration du parcours: the support plan, its ordered actions, validated by the structure."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from . import rules


class ActionKind(models.TextChoices):
    STRUCTURE = "structure", "action de la structure"
    ORIENTATION = "orientation", "orientation vers une autre offre d'accompagnement"
    INGENIERIE = "ingenierie", "ingénierie DLA"
    EXPERTISE = "expertise", "expertise du ou de la chargé·e d'accompagnement"


class Parcours(models.Model):
    accompagnement = models.OneToOneField(
        "accompagnements.Accompagnement",
        on_delete=models.CASCADE,
        related_name="parcours",
        verbose_name="accompagnement",
    )
    priorities = models.TextField("axes de changement retenus, par ordre de priorité", blank=True)
    validated_by_name = models.CharField(
        "validé par (structure)",
        max_length=200,
        blank=True,
        help_text="Nom et fonction de la personne qui a validé le parcours pour la structure.",
    )
    validated_on = models.DateField("validé le", null=True, blank=True)

    # Audit trail: who changed what and when (browsable in the admin).
    history = HistoricalRecords()

    class Meta:
        verbose_name = "parcours d'accompagnement"
        verbose_name_plural = "parcours d'accompagnement"

    def __str__(self):
        return f"Parcours - {self.accompagnement.structure}"

    def clean(self):
        errors = rules.merge(
            rules.not_in_future(self, "validated_on"),
            rules.not_before(
                self,
                "validated_on",
                rules.case_opened_on(self),
                "l'ouverture de l'accompagnement",
            ),
        )
        if errors:
            raise ValidationError(errors)

    @property
    def is_validated(self) -> bool:
        return bool(self.validated_by_name and self.validated_on)


class PlanAction(models.Model):
    """One action of the plan. For ingénieries it is also the case ↔ ingénierie link."""

    accompagnement = models.ForeignKey(
        "accompagnements.Accompagnement",
        on_delete=models.CASCADE,
        related_name="plan_actions",
        verbose_name="accompagnement",
    )
    position = models.PositiveSmallIntegerField("ordre", default=1)
    kind = models.CharField("type d'action", max_length=20, choices=ActionKind.choices)
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("description", blank=True)
    acteur = models.ForeignKey(
        "accompagnements.ActeurAppui",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orientations",
        verbose_name="acteur d'appui",
    )
    ingenierie = models.ForeignKey(
        "accompagnements.Ingenierie",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name="ingénierie",
    )

    # Audit trail: who changed what and when (browsable in the admin).
    history = HistoricalRecords()

    class Meta:
        verbose_name = "action du parcours"
        verbose_name_plural = "actions du parcours"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["accompagnement", "ingenierie"],
                condition=Q(ingenierie__isnull=False),
                name="plan_action_ingenierie_once_per_case",
            ),
            models.CheckConstraint(
                name="plan_action_ingenierie_only_for_ingenierie_kind",
                condition=Q(kind="ingenierie") | Q(ingenierie__isnull=True),
            ),
            models.CheckConstraint(
                name="plan_action_acteur_only_for_orientation",
                condition=Q(kind="orientation") | Q(acteur__isnull=True),
            ),
        ]

    def __str__(self):
        return self.title
