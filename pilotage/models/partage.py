"""A structure's consent to share its case's diagnostic and documents with a CRDLA."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from territoires.scope import ScopedQuerySet, ScopeFields


class PartageQuerySet(ScopedQuerySet):
    # Recorded by the case's DLA; read by the resource centre it names.
    scope_fields = ScopeFields(
        region="accompagnement__structure__region",
        departement="accompagnement__structure__departement",
        dla="accompagnement__dla",
        centre="centre",
    )


class PartageCentre(models.Model):
    """Recorded on the case; withdrawing it deletes the row (the history keeps who and when)."""

    accompagnement = models.ForeignKey(
        "accompagnements.Accompagnement",
        on_delete=models.CASCADE,
        related_name="partages_crdla",
        verbose_name="accompagnement",
    )
    centre = models.ForeignKey(
        "territoires.CentreRessources",
        on_delete=models.PROTECT,
        related_name="partages",
        verbose_name="centre de ressources",
    )
    consent_on = models.DateField("accord de la structure le", default=timezone.localdate)
    consent_by_name = models.CharField(
        "accord donné par",
        max_length=200,
        help_text="Nom et fonction de la personne qui a donné l'accord pour la structure.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="noté par",
    )

    objects = PartageQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "partage avec un centre de ressources"
        verbose_name_plural = "partages avec les centres de ressources"
        ordering = ["-consent_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["accompagnement", "centre"], name="partage_once_per_centre"
            )
        ]

    def __str__(self):
        return f"{self.accompagnement} → {self.centre}"
