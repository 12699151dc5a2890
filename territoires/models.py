from django.db import models

from .collation import french

# Partners (funders, resource centres) are models of this app, defined beside.
from .partners import CentreRessources, Financeur

__all__ = ["CentreRessources", "Departement", "Dla", "Financeur", "Region"]


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=2, unique=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        ordering = [french("name")]

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departements", verbose_name="région"
    )

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"


class Dla(models.Model):
    """A DLA operator: departmental (one department) or regional (one region)."""

    class Level(models.TextChoices):
        DEPARTEMENTAL = "departemental", "DLA départemental"
        REGIONAL = "regional", "DLA régional"

    name = models.CharField("nom", max_length=200)
    level = models.CharField("niveau", max_length=20, choices=Level.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="dlas", verbose_name="région"
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="dlas",
        null=True,
        blank=True,
        verbose_name="département",
    )
    # How another DLA reaches this one (a structure's open case is theirs, not yours).
    email = models.EmailField("courriel de contact", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)

    class Meta:
        verbose_name = "DLA"
        verbose_name_plural = "DLA"
        ordering = ["level", french("name")]
        constraints = [
            models.CheckConstraint(
                name="dla_departement_matches_level",
                condition=(
                    models.Q(level="departemental", departement__isnull=False)
                    | models.Q(level="regional", departement__isnull=True)
                ),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_regional(self) -> bool:
        return self.level == self.Level.REGIONAL
