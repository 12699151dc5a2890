"""Documents of a convention (the convention, its amendments) and of a comité de pilotage.

Stored like case documents: the bytes checked by ``uploads``, kept in the
``documents`` storage under a name of our own, served only as attachments.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from territoires.scope import ScopedQuerySet, ScopeFields

from .conventions import Convention
from .objectifs import ComitePilotage


class PilotageDocumentQuerySet(ScopedQuerySet):
    # The DLA of the convention or the comité; a funder reads its conventions' documents.
    scope_fields = ScopeFields(
        region="dla__region",
        departement="dla__departement",
        dla="dla",
        financeur="convention__years__contributions__financeur",
    )


class PilotageDocumentKind(models.TextChoices):
    CONVENTION = "convention", "convention signée"
    AVENANT = "avenant", "avenant"
    BUDGET = "budget", "budget prévisionnel"
    BILAN = "bilan", "bilan d'activité ou financier"
    COMPTE_RENDU = "compte_rendu", "compte rendu"
    AUTRE = "autre", "autre"


class PilotageDocument(models.Model):
    dla = models.ForeignKey(
        "territoires.Dla", on_delete=models.PROTECT, related_name="+", verbose_name="DLA"
    )
    convention = models.ForeignKey(
        Convention,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="convention",
    )
    comite = models.ForeignKey(
        ComitePilotage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="comité de pilotage",
    )
    kind = models.CharField("type de document", max_length=20, choices=PilotageDocumentKind)
    title = models.CharField("intitulé", max_length=200)
    storage_name = models.CharField("fichier stocké", max_length=255, unique=True, editable=False)
    original_name = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField("type de contenu", max_length=100)
    size = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="déposé par",
    )

    objects = PilotageDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document de pilotage"
        verbose_name_plural = "documents de pilotage"
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="pilotage_document_has_one_anchor",
                condition=Q(convention__isnull=False, comite__isnull=True)
                | Q(convention__isnull=True, comite__isnull=False),
            )
        ]

    def __str__(self):
        return self.title

    def get_download_url(self) -> str:
        return reverse("pilotage:document", args=[self.pk])
