"""Diagnostic partagé: written with the structure's leaders, who validate it."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from . import rules


class Axis(models.TextChoices):
    PROJET_STRATEGIE = "projet_strategie", "projet et stratégie"
    GOUVERNANCE = "gouvernance", "gouvernance"
    FONCTION_EMPLOYEUR = "fonction_employeur", "fonction employeur et RH"
    ORGANISATION = "organisation", "organisation interne"
    MODELE_ECONOMIQUE = "modele_economique", "modèle économique"
    FINANCEMENT = "financement", "financement"
    PARTENARIATS = "partenariats", "partenariats et ancrage territorial"
    COMMUNICATION = "communication", "communication"
    NUMERIQUE = "numerique", "numérique"
    TRANSITION_ECOLOGIQUE = "transition_ecologique", "transition écologique"


class Priority(models.IntegerChoices):
    HIGH = 1, "prioritaire"
    MEDIUM = 2, "à travailler"
    LOW = 3, "secondaire"
    NONE = 4, "pas de besoin"


def validated_q(prefix: str = "") -> Q:
    """Validated by the structure: who and when both recorded (``Diagnostic.is_validated``)."""
    return Q(**{f"{prefix}validated_on__isnull": False}) & ~Q(**{f"{prefix}validated_by_name": ""})


class Diagnostic(models.Model):
    accompagnement = models.OneToOneField(
        "accompagnements.Accompagnement",
        on_delete=models.CASCADE,
        related_name="diagnostic",
        verbose_name="accompagnement",
    )
    first_interview_on = models.DateField("premier entretien le", null=True, blank=True)
    last_interview_on = models.DateField("dernier entretien le", null=True, blank=True)
    documents = models.TextField("documents consultés", blank=True)
    summary = models.TextField("synthèse", blank=True)
    recommendations = models.TextField("préconisations", blank=True)
    validated_by_name = models.CharField(
        "validé par (structure)",
        max_length=200,
        blank=True,
        help_text="Nom et fonction de la personne qui a validé le diagnostic pour la structure.",
    )
    validated_on = models.DateField("validé le", null=True, blank=True)

    # Audit trail: who changed what and when (browsable in the admin).
    history = HistoricalRecords()

    class Meta:
        verbose_name = "diagnostic partagé"
        verbose_name_plural = "diagnostics partagés"
        constraints = [
            models.CheckConstraint(
                name="diagnostic_interviews_in_order",
                condition=models.Q(first_interview_on__isnull=True)
                | models.Q(last_interview_on__isnull=True)
                | models.Q(first_interview_on__lte=models.F("last_interview_on")),
            )
        ]

    def __str__(self):
        return f"Diagnostic - {self.accompagnement.structure}"

    def clean(self):
        opening = "l'ouverture de l'accompagnement"
        errors = rules.merge(
            rules.not_in_future(self, "first_interview_on", "last_interview_on", "validated_on"),
            rules.not_before(self, "validated_on", self.first_interview_on, "le premier entretien"),
            rules.not_before(self, "validated_on", rules.case_opened_on(self), opening),
        )
        if errors:
            raise ValidationError(errors)

    @property
    def is_validated(self) -> bool:
        # The same rule as validated_q(), which statistics and exports filter on.
        return bool(self.validated_by_name and self.validated_on)


class DiagnosticAxis(models.Model):
    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="axes", verbose_name="diagnostic"
    )
    axis = models.CharField("axe", max_length=30, choices=Axis.choices)
    assessment = models.TextField("constats", blank=True)
    priority = models.PositiveSmallIntegerField(
        "priorité", choices=Priority.choices, default=Priority.NONE
    )
    recommendations = models.TextField("préconisations", blank=True)

    # Audit trail: who changed what and when (browsable in the admin).
    history = HistoricalRecords()

    class Meta:
        verbose_name = "axe du diagnostic"
        verbose_name_plural = "axes du diagnostic"
        ordering = ["priority", "axis"]
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "axis"], name="diagnostic_axis_unique")
        ]

    def __str__(self):
        return self.get_axis_display()
