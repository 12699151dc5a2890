from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from simple_history.models import HistoricalRecords

from territoires.collation import french
from territoires.scope import ScopedQuerySet, ScopeFields

from .text import normalize, search_terms


def cases():
    """The cases of every structure, reached through the reverse relation the cases app
    adds (``Structure.accompagnements``): the register sits below the cases app and
    never imports it, yet shares its one definition of an open case (``.open()``)."""
    return Structure.accompagnements.rel.related_model.objects


class StructureQuerySet(ScopedQuerySet):
    # Officers see their department's structures and any structure their DLA has a case on.
    scope_fields = ScopeFields(
        region="region",
        departement="departement",
        dla="accompagnements__dla",
        officer_writes_departement=True,
    )

    def with_size_class(self):
        return self.annotate(
            size_class_code=models.Case(
                models.When(headcount=0, then=models.Value("0")),
                models.When(headcount__lte=9, then=models.Value("1-9")),
                models.When(headcount__lte=49, then=models.Value("10-49")),
                default=models.Value("50+"),
                output_field=models.CharField(),
            )
        )

    def with_open_case(self):
        return self.annotate(has_open_case=Exists(cases().open().filter(structure=OuterRef("pk"))))

    def search(self, query: str):
        """Every term must appear in the name, SIRET, RNA, commune or postal code."""
        qs = self
        for term in search_terms(query):
            qs = qs.filter(search_text__contains=term)
        return qs


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", "association"
    SCOP = "scop", "SCOP"
    SCIC = "scic", "SCIC"
    AUTRE_COOPERATIVE = "cooperative", "autre coopérative"
    MUTUELLE = "mutuelle", "mutuelle"
    FONDATION = "fondation", "fondation"
    GROUPEMENT_EMPLOYEURS = "groupement_employeurs", "groupement d'employeurs"
    SOCIETE_ESUS = "societe_esus", "société commerciale agréée ESUS"
    AUTRE = "autre", "autre"


class SiaeType(models.TextChoices):
    ACI = "ACI", "atelier et chantier d'insertion (ACI)"
    AI = "AI", "association intermédiaire (AI)"
    EI = "EI", "entreprise d'insertion (EI)"
    ETTI = "ETTI", "entreprise de travail temporaire d'insertion (ETTI)"
    EITI = "EITI", "entreprise d'insertion par le travail indépendant (EITI)"


class Sector(models.TextChoices):
    CULTURE = "culture", "culture"
    SPORT = "sport", "sport"
    ANIMATION_SOCIALE = "animation_sociale", "animation sociale"
    INSERTION_EMPLOI = "insertion_emploi", "insertion / emploi"
    FAMILLE_ENFANCE_JEUNESSE = "famille_enfance_jeunesse", "famille, enfance, jeunesse"
    SERVICES_PERSONNE = "services_personne", "services à la personne"
    SANITAIRE_MEDICO_SOCIAL = "sanitaire_medico_social", "sanitaire et médico-social"
    ENVIRONNEMENT = "environnement", "environnement"
    EDUCATION_POPULAIRE = "education_populaire", "éducation populaire"
    TOURISME_LOISIRS = "tourisme_loisirs", "tourisme et loisirs"
    DEVELOPPEMENT_LOCAL = "developpement_local", "développement local"
    AUTRE = "autre", "autre"


class SizeClass(models.TextChoices):
    NONE = "0", "aucun salarié"
    SMALL = "1-9", "1 à 9 salariés"
    MEDIUM = "10-49", "10 à 49 salariés"
    LARGE = "50+", "50 salariés et plus"


class Structure(models.Model):
    """An employer organisation of the social and solidarity economy."""

    name = models.CharField("nom", max_length=255)
    # Indexed in Meta (equality only): db_index would add a varchar_pattern_ops copy of
    # each index no query uses, and three indexes more on the history table.
    siret = models.CharField("SIRET", max_length=14, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True, editable=False)
    rna = models.CharField("RNA", max_length=10, blank=True)
    legal_form = models.CharField("forme juridique", max_length=30, choices=LegalForm.choices)
    is_esus = models.BooleanField("agrément ESUS", default=False)
    siae_type = models.CharField("type de SIAE", max_length=4, choices=SiaeType.choices, blank=True)
    is_entreprise_adaptee = models.BooleanField("entreprise adaptée", default=False)
    is_network = models.BooleanField(
        "tête de réseau ou fédération",
        default=False,
        help_text="Structure d'échelle régionale, accompagnée par le DLA régional.",
    )
    sector = models.CharField("secteur", max_length=30, choices=Sector.choices)

    address = models.CharField("adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=5)
    commune = models.CharField("commune", max_length=100)
    departement = models.ForeignKey(
        "territoires.Departement",
        on_delete=models.PROTECT,
        related_name="structures",
        verbose_name="département",
    )
    region = models.ForeignKey(
        "territoires.Region",
        on_delete=models.PROTECT,
        related_name="structures",
        verbose_name="région",
        editable=False,
        db_index=False,  # Meta.indexes: (region, id)
    )
    in_qpv = models.BooleanField("en QPV", default=False)
    in_zrr = models.BooleanField("en ZRR / zone rurale", default=False)

    headcount = models.PositiveIntegerField("effectif salarié", default=0)
    fte = models.DecimalField("équivalents temps plein", max_digits=8, decimal_places=2, default=0)
    cdi_count = models.PositiveIntegerField("salariés en CDI", default=0)
    cdd_count = models.PositiveIntegerField("salariés en CDD", default=0)
    budget = models.PositiveBigIntegerField("budget annuel (€)", null=True, blank=True)
    year_founded = models.PositiveSmallIntegerField("année de création", null=True, blank=True)
    naf_code = models.CharField(
        "code NAF", max_length=6, blank=True, help_text="Activité principale, ex. 94.99Z."
    )
    # Set from the public register of companies (structures.registre), never typed.
    register_closed = models.BooleanField(
        "établissement fermé au répertoire", default=False, editable=False
    )
    register_checked_on = models.DateField(
        "vérifiée au répertoire le", null=True, blank=True, editable=False
    )

    # Unaccented lower-case name, identifiers and commune: the same search on SQLite and
    # PostgreSQL (a trigram index backs it on PostgreSQL).
    search_text = models.TextField("texte de recherche", blank=True, editable=False)

    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "search_text"])

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        ordering = [french("name"), "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="structure_siret_unique",
                violation_error_message="Ce SIRET est déjà enregistré.",
            ),
        ]
        indexes = [
            # An import matches its rows by SIRET, then RNA; duplicates share a SIREN.
            models.Index(fields=["siret"], name="structure_siret"),
            models.Index(fields=["siren"], name="structure_siren"),
            models.Index(fields=["rna"], name="structure_rna"),
            models.Index(fields=["departement", "name"], name="structure_dept_name"),
            # A region's structures read from the index alone (a coordinator's scope).
            models.Index(fields=["region", "id"], name="structure_region_id"),
            # The list's default order (French): PostgreSQL reads the first page from the index.
            models.Index(french("name"), "id", name="structure_name_fr_id"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "siren", "region", "search_text"}
        super().save(*args, **kwargs)

    def set_derived_fields(self, region_id_by_departement_id=None):
        """SIREN, region and search text follow the other fields (also before bulk writes)."""
        self.siren = self.siret[:9] if self.siret else ""
        if self.departement_id:
            if region_id_by_departement_id is not None:
                self.region_id = region_id_by_departement_id[self.departement_id]
            else:
                self.region_id = self.departement.region_id
        self.search_text = normalize(
            " ".join([self.name, self.siret, self.rna, self.commune, self.postal_code])
        )

    @property
    def size_class(self) -> str:
        if self.headcount == 0:
            return SizeClass.NONE
        if self.headcount <= 9:
            return SizeClass.SMALL
        if self.headcount <= 49:
            return SizeClass.MEDIUM
        return SizeClass.LARGE


class ContactQuerySet(ScopedQuerySet):
    scope_fields = ScopeFields(
        region="structure__region",
        departement="structure__departement",
        dla="structure__accompagnements__dla",
        officer_writes_departement=True,
    )


class Contact(models.Model):
    """A person at a structure. Personal data (RGPD): anonymised after retention."""

    PERSONAL_DATA_FIELDS = ("first_name", "last_name", "email", "phone")

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="contacts", verbose_name="structure"
    )
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    role = models.CharField("fonction", max_length=100, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True, editable=False)

    history = HistoricalRecords()

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = "contact"
        ordering = [french("last_name"), french("first_name"), "pk"]

    # What __str__ reads: pages naming many people load these columns alone (the timeline).
    NAME_FIELDS = ("first_name", "last_name")

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class StructureMerge(models.Model):
    """Journal of a merge: the duplicate's identity, kept after the duplicate is deleted."""

    kept = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="merges",
        verbose_name="structure conservée",
    )
    merged_pk = models.PositiveBigIntegerField("identifiant de la structure fusionnée")
    merged_name = models.CharField("nom de la structure fusionnée", max_length=255)
    merged_siret = models.CharField("SIRET de la structure fusionnée", max_length=14, blank=True)
    merged_rna = models.CharField("RNA de la structure fusionnée", max_length=10, blank=True)
    moved = models.JSONField("éléments déplacés", default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="fusionnée par",
    )
    merged_at = models.DateTimeField("fusionnée le", auto_now_add=True)

    class Meta:
        verbose_name = "fusion de structures"
        verbose_name_plural = "fusions de structures"
        ordering = ["-merged_at", "-pk"]

    def __str__(self):
        return f"{self.merged_name} fusionnée dans {self.kept}"


def find_merged_into(pk: int, user) -> Structure | None:
    """The structure that structure ``pk``, merged and deleted, now lives in, if ``user``
    may see it. Merges of merges need no loop: a merge moves the journal rows too."""
    merge = StructureMerge.objects.filter(merged_pk=pk).order_by("-merged_at", "-pk").first()
    if merge is None:
        return None
    return Structure.objects.visible_to(user).filter(pk=merge.kept_id).first()
