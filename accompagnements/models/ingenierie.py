"""Ingénieries paid by the DLA, the consultant register and the comité d'appui."""

from decimal import Decimal
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from territoires.collation import french
from territoires.partners import Funder
from territoires.scope import ScopedQuerySet, ScopeFields

from . import rules
from .diagnostic import Axis


class PrestataireQuerySet(ScopedQuerySet):
    # The register is regional: read across the region, managed by the regional DLA.
    scope_fields = ScopeFields(region="region", departement="region__departements", dla="dla")


class Prestataire(models.Model):
    """A referenced consultant (or firm) of a region's register."""

    name = models.CharField("nom", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    contact_name = models.CharField("personne de contact", max_length=200, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    themes = models.TextField("domaines d'intervention", blank=True)
    region = models.ForeignKey(
        "territoires.Region",
        on_delete=models.PROTECT,
        related_name="prestataires",
        verbose_name="région",
        editable=False,
    )
    dla = models.ForeignKey(
        "territoires.Dla",
        on_delete=models.PROTECT,
        related_name="prestataires",
        verbose_name="géré par",
        limit_choices_to={"level": "regional"},
    )
    is_active = models.BooleanField("référencé", default=True)

    objects = PrestataireQuerySet.as_manager()

    class Meta:
        verbose_name = "prestataire"
        ordering = [french("name"), "pk"]

    # What __str__ reads: pages naming many people load these columns alone (the timeline).
    NAME_FIELDS = ("name",)

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.region_id = self.dla.region_id
        super().save(*args, **kwargs)


class IngenierieQuerySet(ScopedQuerySet):
    # Owned by the DLA that commissions it; visible where its cases are.
    scope_fields = ScopeFields(
        region="dla__region",
        departement="accompagnements__structure__departement",
        dla="dla",
    )


class IngenierieKind(models.TextChoices):
    INDIVIDUELLE = "individuelle", "individuelle"
    COLLECTIVE = "collective", "collective"


class IngenierieStatus(models.TextChoices):
    PREPARATION = "preparation", "cahier des charges en préparation"
    CONSULTATION = "consultation", "consultation en cours"
    ATTRIBUEE = "attribuee", "prestataire retenu"
    EN_COURS = "en_cours", "en cours"
    TERMINEE = "terminee", "terminée"
    ANNULEE = "annulee", "annulée"


class IngenierieTheme(models.TextChoices):
    """What an ingénierie works on: the national bilan's nomenclature (DOMAIN.md), not the
    diagnostic's axes, so that themes add up as Avise publishes them."""

    PROJET_STRATEGIE = "projet_strategie", "projet et stratégie"
    ORGANISATION = "organisation", "organisation interne"
    RESTRUCTURATION = "restructuration", "restructuration économique et financière"
    DIVERSIFICATION = "diversification_financements", "diversification des financements"
    MUTUALISATION = "mutualisation", "mutualisation, fusion, regroupement"
    FONCTION_EMPLOYEUR = "fonction_employeur", "fonction employeur et RH"
    COMMUNICATION = "communication", "communication"
    NUMERIQUE = "numerique", "numérique"
    TRANSITION_ECOLOGIQUE = "transition_ecologique", "transition écologique"


# The theme an ingénierie on a diagnostic axis falls under (the data migration
# accompagnements/0015 applied it to existing rows; the demo seeding uses it).
THEME_OF_AXIS = {
    Axis.PROJET_STRATEGIE: IngenierieTheme.PROJET_STRATEGIE,
    Axis.GOUVERNANCE: IngenierieTheme.ORGANISATION,
    Axis.FONCTION_EMPLOYEUR: IngenierieTheme.FONCTION_EMPLOYEUR,
    Axis.ORGANISATION: IngenierieTheme.ORGANISATION,
    Axis.MODELE_ECONOMIQUE: IngenierieTheme.RESTRUCTURATION,
    Axis.FINANCEMENT: IngenierieTheme.DIVERSIFICATION,
    Axis.PARTENARIATS: IngenierieTheme.MUTUALISATION,
    Axis.COMMUNICATION: IngenierieTheme.COMMUNICATION,
    Axis.NUMERIQUE: IngenierieTheme.NUMERIQUE,
    Axis.TRANSITION_ECOLOGIQUE: IngenierieTheme.TRANSITION_ECOLOGIQUE,
}


class Satisfaction(models.IntegerChoices):
    VERY = 4, "très satisfaite"
    RATHER = 3, "plutôt satisfaite"
    LITTLE = 2, "peu satisfaite"
    NOT = 1, "pas satisfaite"


class Ingenierie(models.Model):
    """A consultant's mission paid by the DLA, for one case or a group (collective)."""

    kind = models.CharField(
        "type", max_length=20, choices=IngenierieKind.choices, default=IngenierieKind.INDIVIDUELLE
    )
    dla = models.ForeignKey(
        "territoires.Dla",
        on_delete=models.PROTECT,
        related_name="ingenieries",
        verbose_name="DLA commanditaire",
    )
    accompagnements = models.ManyToManyField(
        "accompagnements.Accompagnement",
        through="accompagnements.PlanAction",
        related_name="ingenieries",
        verbose_name="accompagnements",
    )
    title = models.CharField("intitulé", max_length=200)
    theme = models.CharField("thème", max_length=30, choices=IngenierieTheme.choices)
    terms_of_reference = models.TextField("cahier des charges", blank=True)
    consultation_sent_on = models.DateField("consultation envoyée le", null=True, blank=True)
    selection_on = models.DateField("date de sélection", null=True, blank=True)
    selection_report = models.TextField("procès-verbal de sélection", blank=True)
    selected_prestataire = models.ForeignKey(
        Prestataire,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ingenieries",
        verbose_name="prestataire retenu",
    )
    days = models.DecimalField(
        "jours de prestation",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    daily_rate = models.DecimalField(
        "tarif journalier (€ HT)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    cost = models.DecimalField(
        "coût total (€)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Laissé vide : nombre de jours multiplié par le tarif journalier.",
    )
    kickoff_on = models.DateField("réunion de lancement le", null=True, blank=True)
    start_on = models.DateField("début", null=True, blank=True)
    end_on = models.DateField("fin", null=True, blank=True)
    status = models.CharField(
        "statut",
        max_length=20,
        choices=IngenierieStatus.choices,
        default=IngenierieStatus.PREPARATION,
    )
    satisfaction = models.PositiveSmallIntegerField(
        "satisfaction de la structure", choices=Satisfaction.choices, null=True, blank=True
    )

    objects = IngenierieQuerySet.as_manager()

    # Audit trail: who changed what and when (browsable in the admin).
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ingénierie"
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                name="ingenierie_dates_in_order",
                condition=Q(start_on__isnull=True)
                | Q(end_on__isnull=True)
                | Q(start_on__lte=F("end_on")),
            ),
            models.CheckConstraint(
                name="ingenierie_selected_needs_prestataire",
                condition=~Q(status__in=["attribuee", "en_cours", "terminee"])
                | Q(selected_prestataire__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.cost is None and self.days is not None and self.daily_rate is not None:
            self.cost = (Decimal(self.days) * Decimal(self.daily_rate)).quantize(Decimal("0.01"))
        super().save(*args, **kwargs)

    def clean(self):
        errors = rules.merge(
            rules.not_in_future(self, "consultation_sent_on", "selection_on"),
            rules.not_before(
                self, "selection_on", self.consultation_sent_on, "l'envoi de la consultation"
            ),
        )
        if self.selection_on and not self.consultation_sent_on:
            errors.setdefault(
                "consultation_sent_on",
                "Consultation envoyée le : indiquez-la, la sélection suit la consultation.",
            )
        if self.selected_prestataire_id and not (
            self.pk and self.proposals.filter(prestataire_id=self.selected_prestataire_id).exists()
        ):
            errors.setdefault(
                "selected_prestataire",
                "Prestataire retenu : il n'a pas envoyé de proposition pour cette ingénierie. "
                "Enregistrez d'abord sa proposition.",
            )
        if self.status == IngenierieStatus.TERMINEE:
            today = timezone.localdate()
            if self.end_on is None:
                # Terminated without an end date: it ends the day it is declared finished.
                self.end_on = max(today, self.start_on or today)
            elif self.end_on > today:
                errors.setdefault(
                    "status",
                    "Statut : l'ingénierie ne peut pas être terminée avant sa date de fin "
                    f"({self.end_on:%d/%m/%Y}). Si la mission s'est achevée plus tôt, "
                    "corrigez la date de fin.",
                )
        if errors:
            raise ValidationError(errors)


class Proposal(models.Model):
    """A consultant's answer to the consultation, scored on the grid."""

    ingenierie = models.ForeignKey(
        Ingenierie, on_delete=models.CASCADE, related_name="proposals", verbose_name="ingénierie"
    )
    prestataire = models.ForeignKey(
        Prestataire, on_delete=models.PROTECT, related_name="proposals", verbose_name="prestataire"
    )
    received_on = models.DateField("reçue le", null=True, blank=True)
    # Grids are often scored to the half point (49,5 / 70).
    score = models.DecimalField(
        "note",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    max_score = models.PositiveSmallIntegerField("note maximale de la grille", default=70)
    days = models.DecimalField(
        "jours proposés", max_digits=5, decimal_places=1, null=True, blank=True
    )
    price = models.DecimalField(
        "prix proposé (€)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    informed = models.BooleanField("informé·e de la décision", default=False)
    comment = models.TextField("appréciation", blank=True)

    # Audit trail: who changed what and when (browsable in the admin).
    history = HistoricalRecords()

    class Meta:
        verbose_name = "proposition"
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ingenierie", "prestataire"], name="proposal_once_per_prestataire"
            ),
            models.CheckConstraint(
                name="proposal_score_within_grid",
                condition=Q(score__isnull=True) | Q(score__lte=F("max_score")),
            ),
        ]

    def __str__(self):
        return f"{self.prestataire} - {self.ingenierie}"

    def clean(self):
        errors = rules.not_in_future(self, "received_on")
        if self.score is not None and self.max_score is not None and self.score > self.max_score:
            errors.setdefault(
                "score", f"Note : elle ne peut pas dépasser la note maximale ({self.max_score})."
            )
        if errors:
            raise ValidationError(errors)


class Funding(models.Model):
    """A line of an ingénierie's funding: an amount one funder commits on a date.

    The line draws on the ingénierie fund of the DLA's convention year that contains
    ``committed_on`` (pilotage). Lines are never edited: a later change of amount is
    a correction line (``corrects``, signed amount) and a withdrawal a cancellation
    (``cancelled_on``), both written by ``pilotage.services`` with who and why.
    """

    ingenierie = models.ForeignKey(
        Ingenierie, on_delete=models.CASCADE, related_name="fundings", verbose_name="ingénierie"
    )
    funder = models.CharField("financeur", max_length=30, choices=Funder.choices)
    label = models.CharField("précision", max_length=200, blank=True)
    amount = models.DecimalField("montant (€)", max_digits=10, decimal_places=2)
    committed_on = models.DateField("engagé le", default=timezone.localdate)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name="corrige la ligne",
    )
    reason = models.CharField("motif", max_length=300, blank=True)
    cancelled_on = models.DateField("annulé le", null=True, blank=True)

    # Audit trail: who changed what and when (browsable in the admin).
    history = HistoricalRecords()

    # The line rule, once, in SQL and for loaded lines: a line commits money unless it is
    # cancelled or corrects a cancelled line (a correction itself is never cancelled).
    # Read by the budget and the cost check (pilotage) and the ingénierie page's total.
    LIVE: ClassVar[Q] = Q(corrects__isnull=True, cancelled_on__isnull=True) | Q(
        corrects__isnull=False, corrects__cancelled_on__isnull=True
    )

    class Meta:
        verbose_name = "financement"
        ordering = ["funder", "committed_on", "pk"]
        constraints = [
            # A commitment is positive; only a correction may lower an amount.
            models.CheckConstraint(
                name="funding_commitment_not_negative",
                condition=Q(corrects__isnull=False) | Q(amount__gte=0),
            ),
        ]

    def __str__(self):
        return f"{self.get_funder_display()} : {self.amount} €"

    @property
    def commits_money(self) -> bool:
        if self.corrects_id is None:
            return self.cancelled_on is None
        return self.corrects.cancelled_on is None


class ComiteAppuiQuerySet(ScopedQuerySet):
    scope_fields = ScopeFields(region="dla__region", departement="dla__departement", dla="dla")


class Opinion(models.TextChoices):
    FAVORABLE = "favorable", "favorable"
    RESERVES = "reserves", "favorable avec réserves"
    DEFAVORABLE = "defavorable", "défavorable"
    AJOURNE = "ajourne", "ajourné"


class ComiteAppui(models.Model):
    """A comité d'appui session: consultative, it gives opinions, it does not decide."""

    dla = models.ForeignKey(
        "territoires.Dla",
        on_delete=models.PROTECT,
        related_name="comites",
        verbose_name="DLA",
    )
    held_on = models.DateField("date")
    members = models.TextField("participants", blank=True)
    accompagnements = models.ManyToManyField(
        "accompagnements.Accompagnement",
        through="accompagnements.ComiteReview",
        related_name="comites",
        verbose_name="accompagnements examinés",
    )

    objects = ComiteAppuiQuerySet.as_manager()

    class Meta:
        verbose_name = "comité d'appui"
        verbose_name_plural = "comités d'appui"
        ordering = ["-held_on"]

    def __str__(self):
        return f"Comité d'appui du {self.held_on:%d/%m/%Y}"


class ComiteReview(models.Model):
    comite = models.ForeignKey(
        ComiteAppui, on_delete=models.CASCADE, related_name="reviews", verbose_name="comité"
    )
    accompagnement = models.ForeignKey(
        "accompagnements.Accompagnement",
        on_delete=models.CASCADE,
        related_name="comite_reviews",
        verbose_name="accompagnement",
    )
    opinion = models.CharField("avis", max_length=20, choices=Opinion.choices)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "avis du comité d'appui"
        verbose_name_plural = "avis du comité d'appui"
        ordering = ["comite__held_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comite", "accompagnement"], name="comite_review_once_per_case"
            )
        ]

    def __str__(self):
        return f"{self.comite} : {self.get_opinion_display()}"
