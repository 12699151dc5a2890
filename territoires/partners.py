"""The DLA's partners who sign in read-only: funders (pilotes) and resource centres.

They live at the ground floor because the access policy decides what they read
from these rows: a funder's territory, a resource centre's sector.
"""

from typing import Any

from django.db import models
from django.db.models import Q

from .collation import french


class Funder(models.TextChoices):
    """Who funds DLAs (DOMAIN.md: État, Banque des Territoires, FSE, local authorities)."""

    ETAT = "etat", "État"
    BANQUE_TERRITOIRES = "banque_territoires", "Banque des Territoires"
    FSE = "fse", "Fonds social européen"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    AUTRE = "autre", "autre collectivité ou financeur"


class Financeur(models.Model):
    """A funding body: a State service (DDETS, DREETS), Banque des Territoires, a Région…

    Its territory is a department, a region or (neither) France as a whole: its
    people read the aggregated figures of that territory and the conventions it funds.
    """

    name = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField("type de financeur", max_length=30, choices=Funder.choices)
    region = models.ForeignKey(
        "territoires.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="financeurs",
        verbose_name="région",
    )
    departement = models.ForeignKey(
        "territoires.Departement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="financeurs",
        verbose_name="département",
        help_text="Vide pour un financeur régional ou national.",
    )

    class Meta:
        verbose_name = "financeur"
        ordering = [french("name")]
        constraints = [
            models.CheckConstraint(
                name="financeur_departement_within_region",
                condition=Q(departement__isnull=True) | Q(region__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.departement is not None and not self.region_id:
            self.region_id = self.departement.region_id
        super().save(*args, **kwargs)

    @property
    def territory_label(self) -> str:
        if self.departement_id:
            return str(self.departement)
        if self.region_id:
            return f"Région {self.region}"
        return "France entière"


class Secteur(models.TextChoices):
    """The seven resource centres' sectors (DOMAIN.md)."""

    CULTURE = "culture", "culture"
    SPORT = "sport", "sport"
    SOLIDARITES_SANTE = "solidarites_sante", "solidarités, santé"
    IAE = "iae", "insertion par l'activité économique"
    FINANCEMENT = "financement", "financement"
    TRANSITION_ECOLOGIQUE = "transition_ecologique", "transformation écologique"
    NUMERIQUE = "numerique", "numérique"


class CentreRessources(models.Model):
    """A CRDLA: sector experts asked to review diagnostics, national in reach."""

    name = models.CharField("nom", max_length=200)
    secteur = models.CharField("secteur", max_length=30, choices=Secteur.choices, unique=True)

    class Meta:
        verbose_name = "centre de ressources (CRDLA)"
        verbose_name_plural = "centres de ressources (CRDLA)"
        ordering = [french("name")]

    def __str__(self) -> str:
        return self.name
