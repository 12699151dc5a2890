"""Conventions of a DLA: multi-year, one row per convention year (its yearly amendment),
and each funder's contribution split into running costs and the ingénierie fund."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from territoires.partners import Funder
from territoires.scope import ScopedQuerySet, ScopeFields

# Owned by the DLA that signed it; a funder reads what its body funds.
_DLA_SCOPE = {"region": "dla__region", "departement": "dla__departement", "dla": "dla"}


class ConventionQuerySet(ScopedQuerySet):
    scope_fields = ScopeFields(**_DLA_SCOPE, financeur="years__contributions__financeur")


class Convention(models.Model):
    """A convention between a DLA operator and its funders (often three years)."""

    dla = models.ForeignKey(
        "territoires.Dla", on_delete=models.PROTECT, related_name="conventions", verbose_name="DLA"
    )
    title = models.CharField("intitulé", max_length=200)
    reference = models.CharField("référence", max_length=100, blank=True)
    first_year = models.PositiveSmallIntegerField("première année")
    last_year = models.PositiveSmallIntegerField("dernière année")
    signed_on = models.DateField("signée le", null=True, blank=True)

    objects = ConventionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "convention"
        ordering = ["dla", "-first_year", "pk"]
        constraints = [
            models.CheckConstraint(
                name="convention_years_in_order", condition=Q(first_year__lte=F("last_year"))
            )
        ]

    def __str__(self):
        return self.title


class ConventionYearQuerySet(ScopedQuerySet):
    scope_fields = ScopeFields(**_DLA_SCOPE, financeur="contributions__financeur")


class ConventionYear(models.Model):
    """One year of a convention and its amendment (avenant): the period funding is counted by.

    Ingénierie funding lines committed between ``starts_on`` and ``ends_on`` draw on
    this year's fund (DOMAIN.md: funding by convention year).
    """

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="years", verbose_name="convention"
    )
    # The convention's DLA, kept here so that a date finds its year in one lookup.
    dla = models.ForeignKey(
        "territoires.Dla",
        on_delete=models.PROTECT,
        related_name="convention_years",
        verbose_name="DLA",
        editable=False,
    )
    year = models.PositiveSmallIntegerField("année de convention")
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    amendment_reference = models.CharField("avenant", max_length=100, blank=True)
    amendment_signed_on = models.DateField("avenant signé le", null=True, blank=True)
    notes = models.TextField("observations", blank=True)

    objects = ConventionYearQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "année de convention"
        verbose_name_plural = "années de convention"
        ordering = ["dla", "year"]
        constraints = [
            models.UniqueConstraint(fields=["dla", "year"], name="convention_year_once_per_dla"),
            models.CheckConstraint(
                name="convention_year_dates_in_order", condition=Q(starts_on__lte=F("ends_on"))
            ),
        ]

    def __str__(self):
        return f"{self.convention} — {self.year}"

    def save(self, *args, **kwargs):
        self.dla_id = self.convention.dla_id
        super().save(*args, **kwargs)


class Contribution(models.Model):
    """What one funding body gives a DLA for a convention year."""

    convention_year = models.ForeignKey(
        ConventionYear,
        on_delete=models.CASCADE,
        related_name="contributions",
        verbose_name="année de convention",
    )
    financeur = models.ForeignKey(
        "territoires.Financeur",
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name="financeur",
    )
    running_amount = models.DecimalField(
        "fonctionnement (€)",
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    ingenierie_amount = models.DecimalField(
        "fonds d'ingénierie (€)",
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "contribution d'un financeur"
        verbose_name_plural = "contributions des financeurs"
        ordering = ["convention_year", "financeur__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention_year", "financeur"], name="contribution_once_per_financeur"
            ),
            models.CheckConstraint(
                name="contribution_amounts_not_negative",
                condition=Q(running_amount__gte=0, ingenierie_amount__gte=0),
            ),
        ]

    def __str__(self):
        return f"{self.financeur} — {self.convention_year.year}"


class DepassementQuerySet(ScopedQuerySet):
    scope_fields = ScopeFields(**_DLA_SCOPE)


class Depassement(models.Model):
    """Journal: a commitment beyond a fund, confirmed explicitly by the person who made it."""

    dla = models.ForeignKey(
        "territoires.Dla", on_delete=models.PROTECT, related_name="+", verbose_name="DLA"
    )
    # Empty when no convention year covers the commitment date (a fund of zero).
    convention_year = models.ForeignKey(
        ConventionYear,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="depassements",
        verbose_name="année de convention",
    )
    funding = models.ForeignKey(
        "accompagnements.Funding",
        on_delete=models.PROTECT,
        related_name="depassements",
        verbose_name="ligne de financement",
    )
    funder = models.CharField("financeur", max_length=30, choices=Funder.choices)
    fund = models.DecimalField("fonds (€)", max_digits=12, decimal_places=2)
    committed_before = models.DecimalField("déjà engagé (€)", max_digits=12, decimal_places=2)
    amount = models.DecimalField("montant engagé (€)", max_digits=12, decimal_places=2)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="confirmé par",
    )
    confirmed_at = models.DateTimeField("confirmé le", default=timezone.now)

    objects = DepassementQuerySet.as_manager()

    class Meta:
        verbose_name = "dépassement confirmé"
        verbose_name_plural = "dépassements confirmés"
        ordering = ["-confirmed_at", "-pk"]

    def __str__(self):
        return f"Dépassement du fonds {self.funder} confirmé le {self.confirmed_at:%d/%m/%Y}"

    @property
    def overrun(self):
        return self.committed_before + self.amount - self.fund
