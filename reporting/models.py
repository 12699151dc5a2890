import enum

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from territoires import policy
from territoires.models import Dla
from territoires.scope import ScopedQuerySet, ScopeFields, read_q


class ReportJobQuerySet(ScopedQuerySet):
    # A job is readable by whoever asked for it and by whoever may read its territory.
    scope_fields = ScopeFields(region="region", departement="departement")

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if policy.reads_published_reports(user):
            # Funders: the finished reports (published figures) of their territory.
            return self.filter(
                policy.published_reports(user),
                kind=ReportJob.Kind.REPORT,
                status=ReportJob.Status.DONE,
            )
        territory = read_q(user, self.model, self.scope_fields)
        if not territory:
            # An empty Q means "everything" (national, admin); OR-ing it would drop it.
            return self.all()
        return self.filter(territory | Q(requested_by=user))

    def pending(self):
        return self.filter(status__in=ReportJob.Status.PENDING)


class ReportJob(models.Model):
    """A report or export produced in the background; business state lives here."""

    class Kind(models.TextChoices):
        REPORT = "report", "rapport d'activité (PDF)"
        EXPORT = "export", "export statistique"

    class Status(models.TextChoices):
        QUEUED = "queued", "en attente"
        RUNNING = "running", "en cours"
        DONE = "done", "terminé"
        FAILED = "failed", "échec"
        # A group of statuses, not a status (kept out of the choices by nonmember).
        PENDING = enum.nonmember(("queued", "running"))

    kind = models.CharField("type", max_length=10, choices=Kind.choices, default=Kind.REPORT)
    status = models.CharField(
        "état", max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    # Empty for the jobs the service schedules itself (the national report in January).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name="demandé par",
    )
    year = models.PositiveSmallIntegerField("année")
    region = models.ForeignKey(
        "territoires.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="région",
    )
    departement = models.ForeignKey(
        "territoires.Departement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="département",
    )
    parameters = models.JSONField("paramètres", default=dict, blank=True)
    # Same kind, parameters and requester: a second identical request reuses the job.
    fingerprint = models.CharField("empreinte", max_length=64, editable=False)
    # The figures the file shows, computed once and frozen with the job.
    data = models.JSONField("données figées", null=True, blank=True, editable=False)
    file = models.FileField("fichier", upload_to="reporting/%Y/", blank=True)
    error = models.TextField("erreur", blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    # The Celery task currently holding the job (a redelivered message may take it back).
    worker_task_id = models.CharField("tâche", max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField("demandé le", default=timezone.now)
    started_at = models.DateTimeField("démarré le", null=True, blank=True)
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    expires_at = models.DateTimeField("lien valable jusqu'au", null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "production de rapport"
        verbose_name_plural = "productions de rapports"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(status__in=["queued", "running"]),
                name="report_job_one_pending_per_fingerprint",
            ),
            models.CheckConstraint(
                name="report_job_progress_is_a_percentage", condition=Q(progress__lte=100)
            ),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="report_job_status_beat")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year} — {self.scope_label}"

    @property
    def scope_label(self) -> str:
        return self.parameters.get("scope_title", "France entière")

    @property
    def is_pending(self) -> bool:
        return self.status in self.Status.PENDING

    @property
    def is_downloadable(self) -> bool:
        if self.status != self.Status.DONE or not self.file:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


# -- The yearly campaign and its frozen figures (docs/statistics.md, "Campagne") ----------


class DlaCampagneQuerySet(ScopedQuerySet):
    # A DLA's data checklist: read where the DLA is (its department, its region,
    # national); the "données vérifiées" mark is the DLA's own (its members, admins).
    scope_fields = ScopeFields(region="region", departement="departement", dla="id")


class DlaCampagne(Dla):
    """A DLA seen from the yearly campaign: its checklist and its mark."""

    objects = DlaCampagneQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "DLA (campagne annuelle)"
        verbose_name_plural = "DLA (campagne annuelle)"


class Campaign(models.Model):
    """The yearly campaign the national operator opens: DLAs check their data of the year,
    then the figures are frozen at the cut-off (``Snapshot``)."""

    year = models.PositiveSmallIntegerField("année", unique=True)
    cutoff_on = models.DateField(
        "date limite",
        help_text="Les chiffres de l'année sont figés le lendemain de cette date.",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="ouverte par",
    )
    opened_at = models.DateTimeField("ouverte le", default=timezone.now)

    class Meta:
        verbose_name = "campagne annuelle"
        verbose_name_plural = "campagnes annuelles"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="campaign_cutoff_after_the_year",
                condition=Q(cutoff_on__year__gt=F("year")),
                violation_error_message="La date limite doit tomber après la fin de l'année.",
            )
        ]

    def __str__(self):
        return f"Campagne {self.year}"


class DataCheck(models.Model):
    """A DLA's "données vérifiées" mark for a campaign: who, when."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="checks", verbose_name="campagne"
    )
    dla = models.ForeignKey(Dla, on_delete=models.PROTECT, related_name="+", verbose_name="DLA")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="vérifiées par",
    )
    checked_at = models.DateTimeField("vérifiées le", default=timezone.now)
    # Problems still listed when the DLA marked its data as checked (for the record).
    open_issues = models.PositiveIntegerField("points restant à traiter", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "données vérifiées"
        verbose_name_plural = "données vérifiées"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "dla"], name="data_check_once_per_dla")
        ]

    def __str__(self):
        return f"{self.dla} — {self.campaign}"


class SnapshotQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Un instantané figé ne peut pas être modifié : publiez une version.")

    def delete(self):
        raise TypeError("Un instantané figé ne peut pas être supprimé.")

    def latest_of(self, year: int):
        return self.filter(year=year).order_by("-version").first()


class Snapshot(models.Model):
    """A year's figures as published: immutable, versioned, checksummed.

    ``figures``, ``dataset`` and ``changes`` hold canonical JSON (sorted keys, no
    whitespace); ``checksum`` is the SHA-256 of the canonical serialisation of the
    whole document (``reporting.snapshots.document``). A correction is a new version
    whose ``changes`` list the figures that moved since the previous one.
    """

    year = models.PositiveSmallIntegerField("année", db_index=True)
    version = models.PositiveSmallIntegerField("version")
    created_at = models.DateTimeField("figé le")
    # Empty for the freeze the service takes itself at the cut-off (SYSTEM).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="figé par",
    )
    author = models.CharField("auteur", max_length=150)
    reason = models.TextField("motif", blank=True)
    figures = models.TextField("indicateurs (JSON canonique)")
    dataset = models.TextField("jeu de données (JSON canonique)")
    changes = models.TextField("écarts avec la version précédente (JSON canonique)")
    checksum = models.CharField("empreinte SHA-256", max_length=64)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = "instantané annuel"
        verbose_name_plural = "instantanés annuels"
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="snapshot_one_per_version"),
            models.CheckConstraint(name="snapshot_version_from_1", condition=Q(version__gte=1)),
        ]

    def __str__(self):
        return f"Chiffres {self.year}, version {self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Un instantané figé ne peut pas être modifié : publiez une version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Un instantané figé ne peut pas être supprimé.")


class SummaryCell(models.Model):
    """One territory's figures for one year, kept up to date by the write services.

    ``values`` is ``indicators.compute()`` for the territory, as the system actor
    computes it (the same figures a snapshot freezes); ``panels`` holds what the apps
    above reporting summarise for it (``reporting.extensions``). ``reporting.summaries``
    writes them; dashboards read them.
    """

    year = models.PositiveSmallIntegerField("année")
    # "national", "region" or "departement" (reporting.indicators.Level).
    level = models.CharField("niveau", max_length=12)
    # INSEE code of the region or department; "" for France.
    territory = models.CharField("territoire", max_length=3, blank=True)
    values = models.JSONField("indicateurs", null=True)
    panels = models.JSONField("volets", default=dict)
    # Marked by a write (after its commit), cleared by the refresh that recomputed the
    # cell from that generation on.
    stale = models.BooleanField("à recalculer", default=True)
    generation = models.PositiveIntegerField("génération", default=0)
    # The generation the stored figures were computed from (None: by a rebuild): a
    # refresh never stores over figures computed from a later one.
    computed_generation = models.PositiveIntegerField("génération calculée", null=True)
    computed_at = models.DateTimeField("calculé le", null=True)

    class Meta:
        verbose_name = "chiffres maintenus d'un territoire"
        verbose_name_plural = "chiffres maintenus des territoires"
        constraints = [
            models.UniqueConstraint(
                fields=["level", "year", "territory"], name="summary_cell_one_per_territory"
            )
        ]

    def __str__(self):
        return f"{self.year} {self.level} {self.territory or 'France'}"


class StoredPublication(models.Model):
    """A year's publication as every output reads it: its values and the outcome of its
    suppression plan (``reporting.publication.Publication.to_json``), computed by the
    worker so that no reader runs the plan's linear algebra.

    An open year has one row without a snapshot, kept up to date by the summaries'
    refresh (``reporting.summaries``) like the cells: a write marks it (``generation``),
    a refresh stores what it computed from that generation on (``computed_generation``).
    A frozen year's is computed once from its snapshot's inputs and stored beside it,
    leaving the snapshot's checksummed content as it was.
    """

    year = models.PositiveSmallIntegerField("année")
    snapshot = models.OneToOneField(
        Snapshot,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="instantané",
    )
    content = models.JSONField("publication", null=True)
    stale = models.BooleanField("à recalculer", default=True)
    generation = models.PositiveIntegerField("génération", default=0)
    # The generation the stored content was computed from (None: never computed).
    computed_generation = models.PositiveIntegerField("génération calculée", null=True)
    computed_at = models.DateTimeField("calculée le", null=True)

    class Meta:
        verbose_name = "publication calculée d'une année"
        verbose_name_plural = "publications calculées des années"
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(snapshot__isnull=True),
                name="stored_publication_one_open_per_year",
            )
        ]

    def __str__(self):
        return f"Publication {self.year}" + (" (figée)" if self.snapshot_id else "")


class MaintainedDataset(models.Model):
    """The state of one open year's maintained case-level lines (``DatasetLine``):
    marked by the writes that may change them, recomputed by the summaries' refresh
    (``reporting.datasets``). The export reads the lines only while they are current
    (``exports.lines_current``: computed from the latest generation, recently enough,
    with the same ``fingerprint``); otherwise it computes the year live."""

    year = models.PositiveSmallIntegerField("année", unique=True)
    generation = models.PositiveIntegerField("génération", default=0)
    # The generation the stored lines were computed from (None: never computed).
    computed_generation = models.PositiveIntegerField("génération calculée", null=True)
    # What the lines were written by: the digest of the SELECT and its parameters (the
    # code of the cells, the year, the pseudonyms' key); another one is not current.
    fingerprint = models.CharField("empreinte", max_length=64, blank=True)
    computed_at = models.DateTimeField("calculé le", null=True)

    class Meta:
        verbose_name = "jeu de données maintenu d'une année"
        verbose_name_plural = "jeux de données maintenus des années"

    def __str__(self):
        return f"Jeu de données {self.year}"


class DatasetLine(models.Model):
    """One case's line of an open year's anonymised dataset, as the export's SELECT
    writes it (``reporting.exports``): its three runs of CSV text around its
    structure's cells, which the export adds once the year's k-anonymity is decided.
    Derived data: plain keys, no foreign key (a deleted case's line goes with the next
    refresh of its year)."""

    year = models.PositiveSmallIntegerField("année")
    case_id = models.BigIntegerField("accompagnement")
    structure_id = models.BigIntegerField("structure")
    head = models.TextField("début de ligne")
    own = models.TextField("cellules de l'accompagnement")
    followup = models.TextField("fin de ligne")

    class Meta:
        verbose_name = "ligne maintenue du jeu de données"
        verbose_name_plural = "lignes maintenues du jeu de données"
        constraints = [
            models.UniqueConstraint(fields=["year", "case_id"], name="dataset_line_one_per_case")
        ]
        indexes = [models.Index(fields=["case_id"], name="dataset_line_case")]

    def __str__(self):
        return f"{self.year} #{self.case_id}"


class DatasetStructure(models.Model):
    """The cells a case line of an open year takes from its structure, once the year's
    k-anonymity is decided (``exports.structure_texts``): its pseudonym and description,
    its bands. A structure the k-anonymity leaves out has none, and its cases no line in
    the file."""

    year = models.PositiveSmallIntegerField("année")
    structure_id = models.BigIntegerField("structure")
    described = models.TextField("pseudonyme et description")
    bands = models.TextField("tranches")

    class Meta:
        verbose_name = "cellules maintenues d'une structure"
        verbose_name_plural = "cellules maintenues des structures"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "structure_id"], name="dataset_structure_one_per_year"
            )
        ]

    def __str__(self):
        return f"{self.year} structure #{self.structure_id}"
