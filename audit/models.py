from django.conf import settings
from django.db import models


class ImmutableError(Exception):
    pass


class ErasureLog(models.Model):
    """One anonymisation of personal data (RGPD retention), kept as evidence.

    It names the record by id only: the personal data are gone.
    """

    class Reason(models.TextChoices):
        RETENTION = "retention", "fin de la durée de conservation"
        REQUEST = "request", "demande de la personne"

    performed_at = models.DateTimeField("effectuée le", auto_now_add=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="par",
        help_text="Vide quand la tâche planifiée ou la commande l'a faite.",
    )
    reason = models.CharField("motif", max_length=20, choices=Reason.choices)
    model = models.CharField("type de donnée", max_length=100)
    object_id = models.PositiveBigIntegerField("identifiant")
    structure_id = models.PositiveBigIntegerField("structure", null=True)
    fields = models.JSONField("champs effacés", default=list)
    history_rows = models.PositiveIntegerField("lignes d'historique effacées", default=0)

    class Meta:
        verbose_name = "effacement de données personnelles"
        verbose_name_plural = "effacements de données personnelles"
        ordering = ["-performed_at", "-pk"]

    def __str__(self):
        return f"{self.model} #{self.object_id} ({self.performed_at:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("Le journal des effacements ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("Le journal des effacements ne se supprime pas.")
