"""The outbox: every email the product sends, its status and its attempts."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Status(models.TextChoices):
    QUEUED = "en_attente", "en attente d'envoi"
    SENDING = "envoi", "envoi en cours"
    SENT = "envoye", "envoyé"
    FAILED = "echec", "échec"


class Message(models.Model):
    """One email to one person. Written with its rendered text; sent by a task after commit.

    A secret (a personal link) is never stored: the body holds a placeholder that the
    sending task replaces, asking the secret's source (``messagerie.secrets``).
    """

    kind = models.CharField("modèle", max_length=80)
    to_email = models.EmailField("destinataire")
    to_name = models.CharField("nom du destinataire", max_length=200, blank=True)
    subject = models.CharField("objet", max_length=200)
    body_text = models.TextField("texte")
    body_html = models.TextField("version HTML", blank=True)
    # The object the message is about (a case, an ingénierie, a proposal…).
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="type d'objet concerné",
    )
    object_id = models.PositiveBigIntegerField("objet concerné", null=True, blank=True)
    concerns = GenericForeignKey("content_type", "object_id")
    status = models.CharField(
        "statut", max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="à l'initiative de",
    )
    claimed_at = models.DateTimeField("dernier essai le", null=True, blank=True)
    next_attempt_at = models.DateTimeField("prochain essai le", null=True, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    secret_kind = models.CharField("type de secret", max_length=30, blank=True, editable=False)
    secret_ref = models.CharField("référence du secret", max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "courriel"
        verbose_name_plural = "courriels (boîte d'envoi)"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="message_concerns"),
            models.Index(fields=["status", "next_attempt_at"], name="message_pending"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to_email}"


class ReminderFrequency(models.TextChoices):
    IMMEDIATE = "immediat", "dès qu'un rappel arrive"
    DAILY = "quotidien", "un récapitulatif chaque matin"
    NONE = "aucun", "pas de courriel (rappels dans l'application seulement)"


class Preference(models.Model):
    """How a person wants to receive their reminders by email. No row: no email."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mail_preference",
        verbose_name="utilisateur·rice",
    )
    reminders = models.CharField(
        "rappels par courriel",
        max_length=20,
        choices=ReminderFrequency.choices,
        default=ReminderFrequency.NONE,
    )

    class Meta:
        verbose_name = "préférence de notification"
        verbose_name_plural = "préférences de notification"

    def __str__(self):
        return f"{self.user} : {self.get_reminders_display()}"
