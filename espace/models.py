"""What outside people gave through their links, and the consultation of prestataires.

The figures the indicators read stay where they are (``FollowUp``, ``Ingenierie``,
``Proposal``); rows here say that a value was given by the structure or a
consultant, through which link, and keep what the DLA's own tables have no
place for (a proposal's PDF and daily rate, the structure's grid, a handover).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from liens.models import Purpose


class StructureAnswer(models.Model):
    """An answer the structure gave through a link: a survey or a questionnaire."""

    link = models.ForeignKey(
        "liens.SecureLink", on_delete=models.PROTECT, related_name="+", verbose_name="lien"
    )
    purpose = models.CharField("objet", max_length=20, choices=Purpose.choices)
    accompagnement = models.ForeignKey(
        "accompagnements.Accompagnement",
        on_delete=models.CASCADE,
        related_name="structure_answers",
        verbose_name="accompagnement",
    )
    # The checkpoint written (questionnaire) or completed (satisfaction) from the answer.
    followup = models.ForeignKey(
        "accompagnements.FollowUp",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="structure_answers",
        verbose_name="point de suivi",
    )
    # Ingénieries whose satisfaction the structure gave.
    ingenieries = models.ManyToManyField(
        "accompagnements.Ingenierie",
        blank=True,
        related_name="structure_answers",
        verbose_name="ingénieries évaluées",
    )
    answered_by = models.CharField("répondu par", max_length=200)
    answered_at = models.DateTimeField("répondu le", default=timezone.now)
    answers = models.JSONField("réponses", default=dict)

    class Meta:
        verbose_name = "réponse de la structure"
        verbose_name_plural = "réponses des structures"
        ordering = ["-answered_at", "-pk"]

    def __str__(self):
        return f"{self.get_purpose_display()} – {self.accompagnement}"


class Consultation(models.Model):
    """The call for proposals of one ingénierie: who was asked, until when, who won."""

    ingenierie = models.OneToOneField(
        "accompagnements.Ingenierie",
        on_delete=models.PROTECT,
        related_name="consultation",
        verbose_name="ingénierie",
    )
    deadline = models.DateTimeField("date limite de réponse")
    terms = models.TextField("cahier des charges envoyé")
    sent_at = models.DateTimeField("envoyée le", default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="par"
    )
    # The structure's grid (through its link) and its preference.
    scores = models.JSONField("notes de la structure par critère", default=dict, blank=True)
    preferred = models.ForeignKey(
        "accompagnements.Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="préférence de la structure",
    )
    preference_comment = models.TextField("commentaire de la structure", blank=True)
    evaluated_by = models.CharField("notée par", max_length=200, blank=True)
    evaluated_at = models.DateTimeField("notée le", null=True, blank=True)
    # The DLA's decision, taking the structure's choice into account (DOMAIN.md).
    decided_at = models.DateTimeField("décision le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="décision par",
    )
    decision_reason = models.TextField("motif de la décision", blank=True)

    class Meta:
        verbose_name = "consultation"
        ordering = ["-sent_at"]

    def __str__(self):
        return f"Consultation – {self.ingenierie}"

    @property
    def is_open(self) -> bool:
        return timezone.now() < self.deadline


class InvitationStatus(models.TextChoices):
    INVITED = "invite", "consulté·e, sans réponse"
    DECLINED = "decline", "a décliné"
    PROPOSED = "propose", "proposition reçue"


class Invitation(models.Model):
    """One consultant asked for a proposal, and their answer."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="invitations"
    )
    prestataire = models.ForeignKey(
        "accompagnements.Prestataire",
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name="prestataire",
    )
    status = models.CharField(
        "réponse", max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.INVITED
    )
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)
    answered_by = models.CharField("répondu par", max_length=200, blank=True)
    decline_reason = models.TextField("motif du refus", blank=True)
    proposal = models.OneToOneField(
        "accompagnements.Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitation",
        verbose_name="proposition",
    )
    daily_rate = models.DecimalField(
        "tarif journalier (€ HT)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    document = models.ForeignKey(
        "dossiers.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="proposition (PDF)",
    )

    class Meta:
        verbose_name = "prestataire consulté"
        verbose_name_plural = "prestataires consultés"
        ordering = ["prestataire__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "prestataire"], name="invitation_once_per_prestataire"
            )
        ]

    def __str__(self):
        return f"{self.prestataire} – {self.consultation}"


class Handover(models.Model):
    """A réorientation handed over to a support actor, with the structure's consent."""

    accompagnement = models.ForeignKey(
        "accompagnements.Accompagnement",
        on_delete=models.CASCADE,
        related_name="handovers",
        verbose_name="accompagnement",
    )
    acteur = models.ForeignKey(
        "accompagnements.ActeurAppui",
        on_delete=models.PROTECT,
        related_name="handovers",
        verbose_name="acteur d'appui",
    )
    consent_given_by = models.CharField("accord donné par (structure)", max_length=200)
    consent_on = models.DateField("accord donné le")
    message = models.TextField("message à l'acteur", blank=True)
    sent_at = models.DateTimeField("envoyée le", default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="par"
    )
    acknowledged_at = models.DateTimeField("reçue le", null=True, blank=True)
    acknowledged_by = models.CharField("accusé de réception par", max_length=200, blank=True)
    acknowledgement = models.TextField("réponse de l'acteur", blank=True)

    class Meta:
        verbose_name = "passation de réorientation"
        verbose_name_plural = "passations de réorientation"
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.accompagnement} → {self.acteur}"


def competence_choices() -> list[tuple[str, str]]:
    """A consultant's competences are the themes an ingénierie can have (one list)."""
    from accompagnements.models import Ingenierie

    return list(Ingenierie._meta.get_field("theme").choices)


class Referencement(models.Model):
    """A consultant's referencing in the regional register (the AMI, DOMAIN.md)."""

    prestataire = models.OneToOneField(
        "accompagnements.Prestataire",
        on_delete=models.CASCADE,
        related_name="referencement",
        verbose_name="prestataire",
    )
    # Codes from fixed lists, stored ",a,b," so that one lookup filters on any database.
    competences = models.CharField("compétences", max_length=500, blank=True)
    sectors = models.CharField("secteurs", max_length=500, blank=True)
    departements = models.ManyToManyField(
        "territoires.Departement",
        blank=True,
        related_name="prestataires_referencement",
        verbose_name="départements couverts",
    )
    referenced_on = models.DateField("référencé le", null=True, blank=True)
    renewal_on = models.DateField("renouvellement du référencement le", null=True, blank=True)

    class Meta:
        verbose_name = "référencement"

    def __str__(self):
        return f"Référencement – {self.prestataire}"

    @staticmethod
    def pack(codes) -> str:
        return f",{','.join(sorted(codes))}," if codes else ""

    @staticmethod
    def unpack(value: str) -> list[str]:
        return [code for code in value.split(",") if code]


class AttestationKind(models.TextChoices):
    URSSAF = "urssaf", "attestation de vigilance URSSAF"
    ASSURANCE = "assurance", "attestation d'assurance responsabilité civile professionnelle"
    KBIS = "kbis", "extrait Kbis ou avis de situation SIRENE"
    AUTRE = "autre", "autre"


class Attestation(models.Model):
    """A document the register needs from a consultant, valid until a date."""

    prestataire = models.ForeignKey(
        "accompagnements.Prestataire",
        on_delete=models.CASCADE,
        related_name="attestations",
        verbose_name="prestataire",
    )
    kind = models.CharField("type", max_length=20, choices=AttestationKind.choices)
    reference = models.CharField("référence", max_length=200, blank=True)
    expires_on = models.DateField("valable jusqu'au")

    class Meta:
        verbose_name = "attestation"
        ordering = ["expires_on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.expires_on:%d/%m/%Y})"

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()
