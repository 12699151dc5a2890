"""Personal links: one person, one purpose, one object, for a limited time.

The token is never stored. A link keeps the SHA-256 of its token (to recognise it)
and, until the email carrying it is sent, a random nonce from which the token is
rebuilt with the secret key (``tokens.py``); the nonce is erased once sent.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Purpose(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "valider le diagnostic partagé"
    PARCOURS = "parcours", "valider le parcours d'accompagnement"
    EVALUATION = "evaluation", "noter les propositions des prestataires"
    CONSULTATION = "consultation", "répondre à une consultation"
    SATISFACTION = "satisfaction", "répondre à l'enquête de satisfaction"
    SUIVI = "suivi", "répondre au questionnaire de suivi"
    ORIENTATION = "orientation", "accuser réception d'une orientation"


class LinkQuerySet(models.QuerySet):
    def about(self, obj: models.Model) -> "LinkQuerySet":
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def usable(self, now=None) -> "LinkQuerySet":
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, used_at__isnull=True, expires_at__gt=now)


class SecureLink(models.Model):
    purpose = models.CharField("objet du lien", max_length=20, choices=Purpose.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name="type d'objet"
    )
    object_id = models.PositiveBigIntegerField("objet")
    target = GenericForeignKey("content_type", "object_id")
    recipient_name = models.CharField("destinataire", max_length=200)
    recipient_email = models.EmailField("courriel du destinataire")
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True, editable=False)
    nonce = models.CharField(
        "graine (effacée après envoi)", max_length=64, blank=True, editable=False
    )
    single_use = models.BooleanField("à usage unique", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="envoyé par",
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="révoqué par",
    )

    objects = LinkQuerySet.as_manager()

    class Meta:
        verbose_name = "lien personnel"
        verbose_name_plural = "liens personnels"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="link_target")]

    def __str__(self):
        return f"{self.get_purpose_display()} – {self.recipient_name}"

    def refusal(self, now=None) -> str | None:
        """Why the link can no longer be used, in French; None while it is usable."""
        now = now or timezone.now()
        if self.revoked_at:
            return "Ce lien a été désactivé par le DLA."
        if self.used_at:
            return "Ce lien a déjà été utilisé : votre réponse est enregistrée."
        if self.expires_at <= now:
            return f"Ce lien a expiré le {timezone.localtime(self.expires_at):%d/%m/%Y}."
        return None

    @property
    def status_label(self) -> str:
        if self.revoked_at:
            return "désactivé"
        if self.used_at:
            return "utilisé"
        if self.expires_at <= timezone.now():
            return "expiré"
        return "actif"


class LinkEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Le journal des liens ne peut pas être modifié.")

    def delete(self):
        raise TypeError("Le journal des liens ne peut pas être supprimé.")


class LinkEvent(models.Model):
    """Immutable journal row: what was done through a link, by whom, when, from where."""

    link = models.ForeignKey(
        SecureLink, on_delete=models.PROTECT, related_name="events", verbose_name="lien"
    )
    action = models.CharField("action", max_length=40)
    name = models.CharField("nom", max_length=200)
    email = models.EmailField("courriel")
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    at = models.DateTimeField("le", default=timezone.now)
    details = models.JSONField("détails", default=dict, blank=True)

    objects = LinkEventQuerySet.as_manager()

    class Meta:
        verbose_name = "action par lien"
        verbose_name_plural = "journal des liens"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.action} – {self.name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Le journal des liens ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Le journal des liens ne peut pas être supprimé.")
