"""Documents of a structure, a case or an ingénierie, with their versions.

Documents belong to the structure (DOMAIN.md): one is shared with the comité
d'appui only when marked so. A document is never deleted for real by a person:
deletion is a journaled soft delete; the file itself is erased by the RGPD
retention (audit.retention), which keeps the row without its name.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accompagnements.models import Accompagnement, Ingenierie
from structures.models import Structure
from webinput.reverse import reverse_pk


class DocumentQuerySet(models.QuerySet):
    """A document is read and written where its anchor (structure, case, ingénierie) is.

    Each anchor's own ``visible_to`` / ``editable_by`` decides, so a document can
    never be reachable where the object it is attached to is not.
    """

    def visible_to(self, user):
        return self.filter(
            Q(structure__in=Structure.objects.visible_to(user).values("pk"))
            | Q(accompagnement__in=Accompagnement.objects.visible_to(user).values("pk"))
            | Q(ingenierie__in=Ingenierie.objects.visible_to(user).values("pk"))
        )

    def editable_by(self, user):
        return self.filter(
            Q(structure__in=Structure.objects.editable_by(user).values("pk"))
            | Q(accompagnement__in=Accompagnement.objects.editable_by(user).values("pk"))
            | Q(ingenierie__in=Ingenierie.objects.editable_by(user).values("pk"))
        )

    def alive(self):
        return self.filter(deleted_at__isnull=True)


class DocumentKind(models.TextChoices):
    STATUTS = "statuts", "statuts"
    COMPTES = "comptes_annuels", "comptes annuels"
    DIAGNOSTIC = "diagnostic", "diagnostic partagé"
    DIAGNOSTIC_SIGNE = "diagnostic_signe", "diagnostic signé"
    PARCOURS = "parcours", "parcours d'accompagnement"
    PARCOURS_VALIDE = "parcours_valide", "parcours validé"
    CAHIER_DES_CHARGES = "cahier_des_charges", "cahier des charges"
    PROPOSITION = "proposition", "proposition de prestataire"
    PV_SELECTION = "pv_selection", "PV de sélection"
    CONVENTION = "convention", "convention"
    RAPPORT_FIN = "rapport_fin", "rapport de fin de mission"
    BILAN = "bilan", "bilan de l'accompagnement"
    FACTURE = "facture", "facture"
    AUTRE = "autre", "autre"


class Source(models.TextChoices):
    UPLOAD = "depot", "déposé par un·e membre du DLA"
    GENERATED = "genere", "généré par DLA Suivi"
    PRESTATAIRE = "prestataire", "envoyé par le prestataire"
    STRUCTURE = "structure", "envoyé par la structure"


class Document(models.Model):
    structure = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="structure",
    )
    accompagnement = models.ForeignKey(
        Accompagnement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="accompagnement",
    )
    ingenierie = models.ForeignKey(
        Ingenierie,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="ingénierie",
    )
    kind = models.CharField("type de document", max_length=30, choices=DocumentKind.choices)
    title = models.CharField("intitulé", max_length=200)
    shared_with_comite = models.BooleanField(
        "partage avec le comité d'appui",
        default=False,
        help_text="Cochez seulement si la structure a accepté que ce document soit montré "
        "au comité d'appui.",
    )
    created_at = models.DateTimeField("ajouté le", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ajouté par",
    )
    deleted_at = models.DateTimeField("supprimé le", null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="supprimé par",
    )
    deletion_reason = models.CharField("motif de suppression", max_length=300, blank=True)

    objects = DocumentQuerySet.as_manager()

    # Journal: who added, shared, unshared or deleted it, and when.
    history = HistoricalRecords()

    class Meta:
        verbose_name = "document"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="document_has_one_anchor",
                condition=Q(
                    structure__isnull=False, accompagnement__isnull=True, ingenierie__isnull=True
                )
                | Q(structure__isnull=True, accompagnement__isnull=False, ingenierie__isnull=True)
                | Q(structure__isnull=True, accompagnement__isnull=True, ingenierie__isnull=False),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_pk("dossiers:document", self.pk)

    @property
    def anchor(self) -> models.Model:
        return self.accompagnement or self.ingenierie or self.structure

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def latest(self) -> "DocumentVersion | None":
        """The newest version (from prefetched ``all_versions`` or ``versions`` when there are)."""
        versions = getattr(self, "all_versions", None)
        if versions is None:
            versions = list(self.versions.all())
        return max(versions, key=lambda v: v.number) if versions else None


class DocumentVersion(models.Model):
    """One file of a document. A new version keeps the older ones."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="versions", verbose_name="document"
    )
    number = models.PositiveSmallIntegerField("version")
    # Our own name in the documents storage; nothing the user typed reaches it.
    storage_name = models.CharField("fichier stocké", max_length=255, unique=True, editable=False)
    original_name = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField("type de contenu", max_length=100)
    size = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    source = models.CharField("origine", max_length=20, choices=Source.choices)
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déposé par",
    )
    # Set when the RGPD retention erased the file (the row stays for the journal).
    purged_at = models.DateTimeField("fichier effacé le", null=True, blank=True)

    class Meta:
        verbose_name = "version de document"
        verbose_name_plural = "versions de document"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_once")
        ]

    def __str__(self):
        return f"{self.document} (v{self.number})"

    def get_download_url(self):
        return reverse_pk("dossiers:download", self.pk)
