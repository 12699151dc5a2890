"""Exchanges (échanges) and tasks (tâches) on a case: an officer's day, recorded.

An exchange is what happened (a meeting, a call, an email); its next step, when it
has one, becomes a task of the person who logged it. "Last contact" is the most
recent exchange; a case with no contact for longer than its phase allows feeds the
workboard and the daily reminders.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from simple_history.models import HistoricalRecords

from territoires.scope import ScopedQuerySet, ScopeFields

from .case import State

# Through the case: its structure's territory, written by the case's DLA.
CASE_SCOPE = ScopeFields(
    region="accompagnement__structure__region",
    departement="accompagnement__structure__departement",
    dla="accompagnement__dla",
)

# Days without an exchange before a case of each phase is flagged; override with
# the ACCOMPAGNEMENT_CONTACT_DELAYS setting (a dict state -> days).
DEFAULT_CONTACT_DELAYS = {
    State.ACCUEIL: 15,
    State.DIAGNOSTIC: 30,
    State.PARCOURS: 30,
    State.COORDINATION: 60,
    State.SUIVI: 180,
}


def contact_delays() -> dict[str, int]:
    return {**DEFAULT_CONTACT_DELAYS, **getattr(settings, "ACCOMPAGNEMENT_CONTACT_DELAYS", {})}


def contact_cutoff(state: str, now: datetime.datetime) -> datetime.datetime | None:
    """A case in ``state`` lacks contact when its last one is older than this instant.

    The one definition behind ``without_recent_contact`` and ``lacks_contact``;
    ``None`` for phases without a delay (closed cases).
    """
    days = contact_delays().get(state)
    return None if days is None else now - datetime.timedelta(days=days)


def _opened_at(opened_on: datetime.date) -> datetime.datetime:
    # A case never contacted counts from the start of its opening day.
    return timezone.make_aware(datetime.datetime.combine(opened_on, datetime.time.min))


def with_last_contact(cases):
    """Each case carries ``last_contact_at``: its latest exchange, or ``None``."""
    latest = Echange.objects.filter(accompagnement=OuterRef("pk")).order_by("-occurred_at")
    return cases.annotate(last_contact_at=Subquery(latest.values("occurred_at")[:1]))


def without_recent_contact(cases, now: datetime.datetime | None = None):
    """Open cases whose last exchange (or opening, if none) is older than their phase allows."""
    now = now or timezone.now()
    q = Q(pk__in=[])
    for state in contact_delays():
        cutoff = contact_cutoff(state, now)
        q |= Q(state=state) & (
            Q(last_contact_at__lt=cutoff)
            | Q(last_contact_at__isnull=True, opened_on__lt=timezone.localdate(cutoff))
        )
    return with_last_contact(cases).filter(q)


def last_contact_or_opening(case) -> datetime.datetime:
    """Needs ``case.last_contact_at`` (``with_last_contact``)."""
    return case.last_contact_at or _opened_at(case.opened_on)


def lacks_contact(case, now: datetime.datetime | None = None) -> bool:
    """The instance side of ``without_recent_contact``, same cutoff."""
    cutoff = contact_cutoff(case.state, now or timezone.now())
    if cutoff is None:
        return False
    if case.last_contact_at is None:
        # The opening is a date in Paris: the cutoff's date there, not in UTC (they
        # differ from 23:00 or 22:00 UTC on).
        return case.opened_on < timezone.localdate(cutoff)
    return case.last_contact_at < cutoff


class EchangeKind(models.TextChoices):
    SUR_PLACE = "sur_place", "rendez-vous sur place"
    VISIO = "visio", "visioconférence"
    TELEPHONE = "telephone", "téléphone"
    EMAIL = "email", "courriel"
    COURRIER = "courrier", "courrier"
    ATELIER = "atelier", "atelier collectif"
    COMITE = "comite", "comité"


class EchangeQuerySet(ScopedQuerySet):
    scope_fields = CASE_SCOPE


class Echange(models.Model):
    """A meeting, call, email… with the structure and the people around the case."""

    accompagnement = models.ForeignKey(
        "accompagnements.Accompagnement",
        on_delete=models.PROTECT,
        related_name="echanges",
        verbose_name="accompagnement",
    )
    occurred_at = models.DateTimeField("date et heure")
    kind = models.CharField("type d'échange", max_length=20, choices=EchangeKind.choices)
    subject = models.CharField("objet", max_length=200)
    summary = models.TextField("compte rendu", blank=True)
    contacts = models.ManyToManyField(
        "structures.Contact",
        blank=True,
        related_name="echanges",
        verbose_name="contacts de la structure",
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="echanges",
        verbose_name="équipe du DLA",
    )
    prestataires = models.ManyToManyField(
        "accompagnements.Prestataire",
        blank=True,
        related_name="echanges",
        verbose_name="prestataires",
    )
    acteurs = models.ManyToManyField(
        "accompagnements.ActeurAppui",
        blank=True,
        related_name="echanges",
        verbose_name="acteurs d'appui",
    )
    other_participants = models.CharField("autres participants", max_length=300, blank=True)
    next_step = models.CharField("prochaine étape", max_length=200, blank=True)
    next_step_due = models.DateField("échéance de la prochaine étape", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="saisi par",
    )
    created_at = models.DateTimeField("saisi le", default=timezone.now)

    objects = EchangeQuerySet.as_manager()

    # Corrections are kept: who changed what and when.
    history = HistoricalRecords()

    class Meta:
        verbose_name = "échange"
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # Last contact per case (workboard, reminders) and the case's timeline.
            models.Index(fields=["accompagnement", "-occurred_at"], name="echange_case_time")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.subject}"


class TacheQuerySet(ScopedQuerySet):
    scope_fields = CASE_SCOPE

    def pending(self):
        return self.filter(done_at__isnull=True)

    def overdue(self, today: datetime.date | None = None):
        """Not done and due before ``today`` (the same rule as ``Tache.is_overdue``)."""
        return self.pending().filter(due_on__lt=today or timezone.localdate())


class Tache(models.Model):
    """A to-do on a case, assigned to a member of the case's DLA."""

    accompagnement = models.ForeignKey(
        "accompagnements.Accompagnement",
        on_delete=models.PROTECT,
        related_name="taches",
        verbose_name="accompagnement",
    )
    title = models.CharField("tâche", max_length=200)
    due_on = models.DateField("échéance")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="taches",
        verbose_name="confiée à",
    )
    # The exchange whose next step this task is, if any.
    echange = models.OneToOneField(
        Echange,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tache",
        verbose_name="échange d'origine",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    done_at = models.DateTimeField("faite le", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="faite par",
    )

    objects = TacheQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "tâche"
        ordering = ["done_at", "due_on", "pk"]
        indexes = [
            # Each person's pending tasks by due date (home, workboard, reminders).
            models.Index(fields=["assignee", "done_at", "due_on"], name="tache_assignee_due")
        ]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def overdue_on(self, today: datetime.date) -> bool:
        return not self.is_done and self.due_on < today

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())
