from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from territoires.scope import ScopedQuerySet, ScopeFields, read_q


class ReportJobQuerySet(ScopedQuerySet):
    # A job is readable by whoever asked for it and by whoever may read its territory.
    scope_fields = ScopeFields(region="region", departement="departement")

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
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

    Status.PENDING = ("queued", "running")

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
