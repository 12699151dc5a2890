"""Reference table: employer ESS establishments by department (a yearly public count)."""

from django.db import models


class EtablissementsEss(models.Model):
    """One department's count for one vintage, loaded by ``load_etablissements_ess``."""

    departement = models.ForeignKey(
        "territoires.Departement",
        on_delete=models.PROTECT,
        related_name="etablissements_ess",
        verbose_name="département",
    )
    year = models.PositiveSmallIntegerField("millésime")
    employer_establishments = models.PositiveIntegerField("établissements employeurs de l'ESS")
    in_zrr = models.PositiveIntegerField("dont en ZRR / zone rurale", null=True, blank=True)
    in_qpv = models.PositiveIntegerField("dont en QPV", null=True, blank=True)
    source = models.CharField("source", max_length=200)

    class Meta:
        verbose_name = "établissements employeurs de l'ESS"
        verbose_name_plural = "établissements employeurs de l'ESS"
        ordering = ["-year", "departement__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "year"], name="etablissements_ess_once_per_year"
            ),
            models.CheckConstraint(
                name="etablissements_ess_parts_within_total",
                condition=(
                    models.Q(in_zrr__isnull=True)
                    | models.Q(in_zrr__lte=models.F("employer_establishments"))
                )
                & (
                    models.Q(in_qpv__isnull=True)
                    | models.Q(in_qpv__lte=models.F("employer_establishments"))
                ),
            ),
        ]

    def __str__(self):
        return f"{self.departement} ({self.year}) : {self.employer_establishments}"
