"""Objectives a comité de pilotage sets for its DLA, and the comité's meetings."""

import functools

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from structures.models import Sector
from territoires.scope import ScopedQuerySet, ScopeFields

# A funder reads the steering of the DLAs its body funds.
_SCOPE = ScopeFields(
    region="dla__region",
    departement="dla__departement",
    dla="dla",
    financeur="dla__convention_years__contributions__financeur",
)


class ObjectiveKind(models.TextChoices):
    STRUCTURES_ACCOMPAGNEES = "structures_accompagnees", "structures accompagnées"
    NOUVEAUX_ACCOMPAGNEMENTS = "nouveaux_accompagnements", "structures accueillies (ouvertures)"
    DIAGNOSTICS = "diagnostics", "diagnostics partagés validés"
    STRUCTURES_INGENIERIE = "structures_ingenierie", "structures ayant bénéficié d'une ingénierie"
    INGENIERIES_COLLECTIVES = "ingenieries_collectives", "ingénieries collectives démarrées"
    PART_QPV = "part_qpv", "part des structures accompagnées situées en QPV"
    PART_ZRR = "part_zrr", "part des structures accompagnées situées en ZRR / zone rurale"
    PART_SECTEUR = "part_secteur", "part des structures accompagnées d'un secteur"


# Objectives stated as a share (%) of the structures accompanied; the others are counts.
SHARE_KINDS = frozenset(
    {ObjectiveKind.PART_QPV, ObjectiveKind.PART_ZRR, ObjectiveKind.PART_SECTEUR}
)


class ComitePilotageQuerySet(ScopedQuerySet):
    scope_fields = _SCOPE


class ComitePilotage(models.Model):
    """A meeting of the DLA's comité de pilotage: it sets priorities and objectives."""

    dla = models.ForeignKey(
        "territoires.Dla",
        on_delete=models.PROTECT,
        related_name="comites_pilotage",
        verbose_name="DLA",
    )
    held_on = models.DateField("date")
    year = models.PositiveSmallIntegerField(
        "année concernée", help_text="L'année dont le comité fixe ou revoit les objectifs."
    )
    members = models.TextField("participants", blank=True)
    decisions = models.TextField("décisions")

    objects = ComitePilotageQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "comité de pilotage"
        verbose_name_plural = "comités de pilotage"
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"Comité de pilotage du {self.held_on:%d/%m/%Y}"


class ObjectiveQuerySet(ScopedQuerySet):
    scope_fields = _SCOPE


class Objective(models.Model):
    """A target for one year: a count, or a share (%) of the structures accompanied."""

    dla = models.ForeignKey(
        "territoires.Dla", on_delete=models.PROTECT, related_name="objectives", verbose_name="DLA"
    )
    year = models.PositiveSmallIntegerField("année")
    kind = models.CharField("objectif", max_length=30, choices=ObjectiveKind.choices)
    sector = models.CharField(
        "secteur", max_length=30, choices=Sector.choices, blank=True, help_text="Pour une part."
    )
    target = models.DecimalField(
        "cible", max_digits=8, decimal_places=1, validators=[MinValueValidator(0)]
    )
    comite = models.ForeignKey(
        ComitePilotage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="objectives",
        verbose_name="fixé par le comité",
    )

    objects = ObjectiveQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "objectif"
        ordering = ["dla", "year", "kind", "sector"]
        constraints = [
            models.UniqueConstraint(
                fields=["dla", "year", "kind", "sector"], name="objective_once_per_dla_year"
            ),
            models.CheckConstraint(
                name="objective_sector_only_for_sector_share",
                condition=Q(kind="part_secteur", sector__gt="")
                | (~Q(kind="part_secteur") & Q(sector="")),
            ),
            models.CheckConstraint(
                name="objective_share_at_most_100",
                condition=~Q(kind__in=["part_qpv", "part_zrr", "part_secteur"])
                | Q(target__lte=100),
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.year} : {self.target}"

    @property
    def is_share(self) -> bool:
        return self.kind in SHARE_KINDS

    @property
    def label(self) -> str:
        return objective_label(self.kind, self.sector)


@functools.cache
def objective_label(kind: str, sector: str = "") -> str:
    """« Part des structures accompagnées d'un secteur : culture »: the objective's name,
    from its kind and sector alone (progress tables read plain rows, not instances)."""
    label = str(dict(ObjectiveKind.choices).get(kind, kind))
    if sector:
        label = f"{label} : {dict(Sector.choices).get(sector, sector)}"
    return label[:1].upper() + label[1:]
