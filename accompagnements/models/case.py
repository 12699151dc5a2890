"""The case (accompagnement), its state machine and its journal."""

import datetime
import enum

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from territoires.scope import ScopedQuerySet, ScopeFields
from webinput.reverse import reverse_pk

from .guards import Guard
from .suivi import FollowUp


class AccompagnementQuerySet(ScopedQuerySet):
    # A case belongs to the territory of its structure and is written by its owning DLA.
    scope_fields = ScopeFields(
        region="structure__region", departement="structure__departement", dla="dla"
    )

    def open(self):
        return self.filter(state__in=State.OPEN)

    def overdue(self, now=None):
        """Open cases that stayed in their phase longer than the phase's delay."""
        return self.filter(overdue_q(now))

    def followup_due(self, now=None):
        """Cases in follow-up with no checkpoint yet, past the follow-up delay."""
        return self.filter(_followup_due(now or timezone.now()))

    def with_followup_due(self, now=None):
        """Each case carries ``followup_due``, the same rule as ``followup_due()``."""
        return self.annotate(
            followup_due=ExpressionWrapper(
                _followup_due(now or timezone.now()), output_field=models.BooleanField()
            )
        )

    def for_lists(self):
        return self.select_related("structure__departement", "officer", "dla")


class State(models.TextChoices):
    ACCUEIL = "accueil", "accueil"
    DIAGNOSTIC = "diagnostic", "diagnostic partagé"
    PARCOURS = "parcours", "élaboration du parcours"
    COORDINATION = "coordination", "coordination de l'accompagnement"
    SUIVI = "suivi", "suivi de l'accompagnement"
    CLOTURE = "cloture", "clôturé"
    REORIENTE = "reoriente", "réorienté"
    ABANDONNE = "abandonne", "abandonné"

    # Groups of states, not states: enum.nonmember keeps them out of the members,
    # the choices and the database values, and typed for mypy.
    OPEN = enum.nonmember(("accueil", "diagnostic", "parcours", "coordination", "suivi"))
    TERMINAL = enum.nonmember(("cloture", "reoriente", "abandonne"))


# Days a case may stay in a phase before a reminder; override with the
# ACCOMPAGNEMENT_PHASE_DELAYS setting (a dict state -> days).
DEFAULT_PHASE_DELAYS = {
    State.ACCUEIL: 30,
    State.DIAGNOSTIC: 90,
    State.PARCOURS: 60,
    State.COORDINATION: 240,
    State.SUIVI: 365,
}
# A follow-up checkpoint is due this many days after entering the suivi phase.
DEFAULT_FOLLOWUP_DELAY = 180


def phase_delays() -> dict[str, int]:
    return {**DEFAULT_PHASE_DELAYS, **getattr(settings, "ACCOMPAGNEMENT_PHASE_DELAYS", {})}


def followup_delay() -> int:
    return getattr(settings, "ACCOMPAGNEMENT_FOLLOWUP_DELAY", DEFAULT_FOLLOWUP_DELAY)


def overdue_cutoff(state: str, now: datetime.datetime) -> datetime.datetime | None:
    """A case in ``state`` is overdue when it entered the phase before this instant.

    The one definition behind ``AccompagnementQuerySet.overdue()`` and
    ``Accompagnement.is_overdue``; ``None`` when the phase has no delay (terminal).
    """
    days = phase_delays().get(state)
    return None if days is None else now - datetime.timedelta(days=days)


def phase_overdue(state: str, entered_at: datetime.datetime, now: datetime.datetime) -> bool:
    """A case in ``state`` since ``entered_at`` is overdue at ``now`` (``overdue_cutoff``);
    also for a case read as a row (the workboard's cards)."""
    cutoff = overdue_cutoff(state, now)
    return cutoff is not None and entered_at < cutoff


def overdue_q(now: datetime.datetime | None = None) -> Q:
    """``overdue()`` as a condition on a case's own columns, for the counts that filter
    by it (``Count(filter=…)``): a subquery of the overdue cases would read the whole
    country's, whatever the rows counted."""
    now = now or timezone.now()
    q = Q(pk__in=[])
    for state in phase_delays():
        q |= Q(state=state, state_entered_at__lt=overdue_cutoff(state, now))
    return q


def _followup_due(now: datetime.datetime) -> Q:
    return Q(
        Q(state=State.SUIVI),
        Q(state_entered_at__lt=now - datetime.timedelta(days=followup_delay())),
        ~Exists(FollowUp.objects.filter(accompagnement=OuterRef("pk"))),
    )


class Channel(models.TextChoices):
    STRUCTURE = "structure", "démarche de la structure"
    RESEAU = "reseau", "réseau ou fédération"
    FINANCEUR = "financeur", "financeur ou collectivité"
    PRESCRIPTEUR = "prescripteur", "prescripteur (services de l'État, France Travail…)"
    ACTEUR_APPUI = "acteur_appui", "autre acteur d'accompagnement"
    DLA = "dla", "démarche du DLA"
    AUTRE = "autre", "autre"


class ReorientationReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", "structure non éligible"
    OUT_OF_SCOPE = "out_of_scope", "besoin hors du champ du DLA"
    BETTER_OFFER = "better_offer", "offre plus adaptée sur le territoire"
    AUTRE = "autre", "autre"


class AbandonReason(models.TextChoices):
    DECLINED_PLAN = "declined_plan", "la structure décline le parcours"
    NO_ANSWER = "no_answer", "la structure ne donne plus suite"
    CEASED = "ceased", "cessation d'activité"
    NO_CAPACITY = "no_capacity", "le DLA n'a pas la capacité"
    AUTRE = "autre", "autre"


def can_write(case, user) -> bool:
    """Transition permission: per object and territory, through ``editable_by``."""
    return case.is_writable_by(user)


def _diagnostic_missing(case):
    try:
        diagnostic = case.diagnostic
    except ObjectDoesNotExist:
        return ["Le diagnostic partagé n'est pas encore rédigé."]
    missing = []
    if not diagnostic.validated_by_name:
        missing.append("Indiquez qui, à la structure, a validé le diagnostic.")
    if not diagnostic.validated_on:
        missing.append("Indiquez la date de validation du diagnostic par la structure.")
    return missing


def _plan_missing(case):
    try:
        plan = case.parcours
    except ObjectDoesNotExist:
        return ["Le parcours d'accompagnement n'est pas encore élaboré."]
    missing = []
    if not case.plan_actions.exists():
        missing.append("Le parcours doit comporter au moins une action.")
    if not plan.validated_by_name:
        missing.append("Indiquez qui, à la structure, a validé le parcours.")
    if not plan.validated_on:
        missing.append("Indiquez la date de validation du parcours par la structure.")
    return missing


def _ingenierie_actions(case):
    from .parcours import ActionKind

    return case.plan_actions.filter(kind=ActionKind.INGENIERIE).select_related(
        "ingenierie__selected_prestataire"
    )


def _consultants_missing(case):
    actions = list(_ingenierie_actions(case))
    if not actions:
        return ["Le parcours ne prévoit aucune ingénierie DLA : passez directement au suivi."]
    missing = []
    for action in actions:
        if action.ingenierie is None:
            missing.append(f"L'action « {action.title} » n'est rattachée à aucune ingénierie.")
        elif action.ingenierie.selected_prestataire is None:
            missing.append(f"L'ingénierie « {action.ingenierie} » n'a pas de prestataire retenu.")
    return missing


def _has_ingenierie(case):
    if _ingenierie_actions(case).exists():
        return [
            "Le parcours prévoit une ingénierie DLA : passez par la coordination de "
            "l'accompagnement."
        ]
    return []


def _ingenieries_unfinished(case):
    from .ingenierie import IngenierieStatus

    unfinished = case.ingenieries.exclude(
        status__in=[IngenierieStatus.TERMINEE, IngenierieStatus.ANNULEE]
    ).distinct()
    return [f"L'ingénierie « {ing} » n'est ni terminée ni annulée." for ing in unfinished]


def _followup_missing(case):
    # ``all()[:1]``: the case page's prefetch answers it without a query; LIMIT 1 otherwise.
    if not case.followups.all()[:1]:
        return ["Enregistrez un point de suivi avant de clôturer l'accompagnement."]
    return []


def _other_case_open(case):
    others = type(case).objects.open().filter(structure_id=case.structure_id).exclude(pk=case.pk)
    if others.exists():
        return ["La structure a déjà un autre accompagnement ouvert."]
    return []


def _left_state_unknown(case):
    if case.left_state not in State.OPEN:
        return ["La phase quittée par cet accompagnement est inconnue : elle doit être corrigée."]
    return []


DIAGNOSTIC_VALIDATED = Guard(_diagnostic_missing)
PLAN_VALIDATED = Guard(_plan_missing)
CONSULTANTS_SELECTED = Guard(_consultants_missing)
NO_INGENIERIE = Guard(_has_ingenierie)
INGENIERIES_FINISHED = Guard(_ingenieries_unfinished)
FOLLOWUP_RECORDED = Guard(_followup_missing)
NO_OTHER_OPEN_CASE = Guard(_other_case_open)
LEFT_STATE_KNOWN = Guard(_left_state_unknown)


def _left_state(case, **kwargs):
    return case.left_state


class Accompagnement(ConcurrentTransitionMixin, models.Model):
    """A DLA case: one structure's path through the five phases."""

    structure = models.ForeignKey(
        "structures.Structure",
        on_delete=models.PROTECT,
        related_name="accompagnements",
        verbose_name="structure",
    )
    dla = models.ForeignKey(
        "territoires.Dla",
        on_delete=models.PROTECT,
        related_name="accompagnements",
        verbose_name="DLA porteur",
        # Indexed with the structure (Meta.indexes), whose prefix serves this column alone.
        db_index=False,
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="accompagnements",
        verbose_name="chargé·e d'accompagnement",
    )
    state = FSMField(
        "phase", default=State.ACCUEIL, choices=State.choices, protected=True, db_index=True
    )
    state_entered_at = models.DateTimeField("dans cette phase depuis", default=timezone.now)
    # The open phase a terminal case left, so that reopening returns there.
    left_state = models.CharField(
        "phase quittée", max_length=20, choices=State.choices, blank=True, editable=False
    )
    channel = models.CharField(
        "origine de la demande", max_length=20, choices=Channel.choices, default=Channel.STRUCTURE
    )
    request = models.TextField("demande de la structure", default="")
    opened_on = models.DateField("ouvert le")
    closed_on = models.DateField("clos le", null=True, blank=True)
    reorientation_reason = models.CharField(
        "motif de réorientation", max_length=20, choices=ReorientationReason.choices, blank=True
    )
    reoriented_to = models.ForeignKey(
        "accompagnements.ActeurAppui",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reoriented_cases",
        verbose_name="réorienté vers",
    )
    abandon_reason = models.CharField(
        "motif d'abandon", max_length=20, choices=AbandonReason.choices, blank=True
    )

    objects = AccompagnementQuerySet.as_manager()

    # What a transition writes (services.advance saves these alone). Statistics never read
    # them: each year's figures come from the journal row the transition adds, which
    # dates the change (reporting.summaries refreshes that year onwards, not every year
    # since the opening).
    STATE_FIELDS = (
        "state",
        "state_entered_at",
        "left_state",
        "closed_on",
        "reorientation_reason",
        "reoriented_to",
        "abandon_reason",
    )

    # Audit trail: who changed what and when (browsable in the admin).
    history = HistoricalRecords(excluded_fields=["state_entered_at"])

    class Meta:
        verbose_name = "accompagnement"
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(state__in=State.OPEN),
                name="one_open_accompagnement_per_structure",
            )
        ]
        indexes = [
            models.Index(fields=["officer", "state"], name="accompagnement_officer_state"),
            # The case list's default order (measured: 41 → 4 ms at national scale).
            models.Index(fields=["-opened_on", "-id"], name="accompagnement_opened"),
            # A DLA's cases, and the structures they concern (an officer's register: the
            # structures of the department or with a case of the DLA), read from the index
            # alone: 21-26 -> 10 ms for each of the list's two queries at 3x the data.
            models.Index(fields=["dla", "structure"], name="accompagnement_dla_structure"),
        ]

    def __str__(self):
        return f"Accompagnement de {self.structure} ({self.opened_on:%Y})"

    def get_absolute_url(self):
        return reverse_pk("accompagnements:detail", self.pk)

    @property
    def is_open(self) -> bool:
        return self.state in State.OPEN

    @property
    def days_in_phase(self) -> int:
        return self.days_in_phase_at(timezone.now())

    def days_in_phase_at(self, now: datetime.datetime) -> int:
        return (now - self.state_entered_at).days

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at(timezone.now())

    def overdue_at(self, now: datetime.datetime) -> bool:
        return phase_overdue(self.state, self.state_entered_at, now)

    def is_writable_by(self, user) -> bool:
        """Cached per user: the case page asks once per available transition."""
        cache = self.__dict__.setdefault("_writable_by", {})
        key = getattr(user, "pk", None)
        if key not in cache:
            cache[key] = (
                type(self).objects.editable_by(user).filter(pk=self.pk).exists()
                if self.pk
                else False
            )
        return cache[key]

    def _leave(self, today=None):
        self.left_state = self.state
        self.closed_on = today or timezone.localdate()

    # Transitions. Only services.advance() calls them, inside a transaction.

    @transition(field=state, source=State.ACCUEIL, target=State.DIAGNOSTIC, permission=can_write)
    def start_diagnostic(self):
        """Accueil → diagnostic partagé."""

    @transition(
        field=state,
        source=State.DIAGNOSTIC,
        target=State.PARCOURS,
        conditions=[DIAGNOSTIC_VALIDATED],
        permission=can_write,
    )
    def start_parcours(self):
        """Diagnostic validé → élaboration du parcours."""

    @transition(
        field=state,
        source=State.PARCOURS,
        target=State.COORDINATION,
        conditions=[PLAN_VALIDATED, CONSULTANTS_SELECTED],
        permission=can_write,
    )
    def start_coordination(self):
        """Parcours validé, prestataires retenus → coordination."""

    @transition(
        field=state,
        source=State.PARCOURS,
        target=State.SUIVI,
        conditions=[PLAN_VALIDATED, NO_INGENIERIE],
        permission=can_write,
    )
    def skip_to_suivi(self):
        """Parcours validé sans ingénierie DLA → suivi."""

    @transition(
        field=state,
        source=State.COORDINATION,
        target=State.SUIVI,
        conditions=[INGENIERIES_FINISHED],
        permission=can_write,
    )
    def start_suivi(self):
        """Ingénieries réalisées → suivi."""

    @transition(
        field=state,
        source=State.SUIVI,
        target=State.CLOTURE,
        conditions=[FOLLOWUP_RECORDED],
        permission=can_write,
    )
    def close(self, today=None):
        self._leave(today)

    @transition(
        field=state,
        source=[State.ACCUEIL, State.DIAGNOSTIC],
        target=State.REORIENTE,
        permission=can_write,
    )
    def reorient(self, reason, acteur, today=None):
        self._leave(today)
        self.reorientation_reason = reason
        self.reoriented_to = acteur

    @transition(field=state, source=list(State.OPEN), target=State.ABANDONNE, permission=can_write)
    def abandon(self, reason, today=None):
        self._leave(today)
        self.abandon_reason = reason

    # Back to the phase the case left; stacked so the diagram shows each real edge.
    @transition(
        field=state,
        source=State.CLOTURE,
        target=State.SUIVI,
        conditions=[NO_OTHER_OPEN_CASE],
        permission=can_write,
    )
    @transition(
        field=state,
        source=State.REORIENTE,
        target=GET_STATE(_left_state, states=[State.ACCUEIL, State.DIAGNOSTIC]),
        conditions=[LEFT_STATE_KNOWN, NO_OTHER_OPEN_CASE],
        permission=can_write,
    )
    @transition(
        field=state,
        source=State.ABANDONNE,
        target=GET_STATE(_left_state, states=list(State.OPEN)),
        conditions=[LEFT_STATE_KNOWN, NO_OTHER_OPEN_CASE],
        permission=can_write,
    )
    def reopen(self):
        self.closed_on = None
        self.reorientation_reason = ""
        self.reoriented_to = None
        self.abandon_reason = ""


class TransitionLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Le journal des transitions ne peut pas être modifié.")

    def delete(self):
        raise TypeError("Le journal des transitions ne peut pas être supprimé.")


class TransitionLog(models.Model):
    """Immutable journal row: who moved which case from where to where, and why."""

    accompagnement = models.ForeignKey(
        Accompagnement,
        on_delete=models.PROTECT,
        related_name="journal",
        verbose_name="accompagnement",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="par",
    )
    transition = models.CharField("transition", max_length=40)
    from_state = models.CharField("de", max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField("vers", max_length=20, choices=State.choices)
    comment = models.TextField("commentaire", blank=True)
    # Parameters of the transition (reason codes, destination actor), frozen.
    details = models.JSONField("détails", default=dict, blank=True)
    timestamp = models.DateTimeField("le", default=timezone.now, db_index=True)
    # The facts statistics count, kept on the row so that reopening a case (which
    # empties its exit fields) never rewrites a past year. See docs/statistics.md.
    on_date = models.DateField(
        "date de l'événement",
        help_text="Date civile (fuseau du produit) : ouverture, sortie ou changement de phase.",
    )
    exit_reason = models.CharField("motif de sortie", max_length=20, blank=True)
    reoriented_to = models.ForeignKey(
        "accompagnements.ActeurAppui",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="réorienté vers",
    )
    # Days spent in open phases from the opening to this event (closed spells excluded).
    open_days = models.PositiveIntegerField("jours d'accompagnement", default=0)

    objects = TransitionLogQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal des transitions"
        ordering = ["timestamp", "pk"]
        # Phase durations (reporting) read each case's journal in order.
        indexes = [
            models.Index(fields=["accompagnement", "timestamp"], name="journal_case_time"),
            # Yearly statistics select the events of a calendar year.
            models.Index(fields=["on_date", "to_state"], name="journal_event_date"),
        ]

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Le journal des transitions ne peut pas être modifié.")
        super().save(*args, **kwargs)

    @classmethod
    def facts(cls, case: "Accompagnement", *, from_state: str, timestamp) -> dict:
        """The counted facts of the row about to record ``case``'s move out of ``from_state``.

        Called after the transition ran: ``case`` holds its new state and exit fields.
        The event's date is the case's business date (opened_on, closed_on) when it has
        one, else the local date of the timestamp in the product's time zone.
        """
        to_state = case.state
        if not from_state:
            on_date = case.opened_on
        elif to_state in State.TERMINAL and case.closed_on:
            on_date = case.closed_on
        else:
            on_date = timezone.localdate(timestamp)
        previous = (
            cls.objects.filter(accompagnement_id=case.pk)
            .order_by("-timestamp", "-pk")
            .values("to_state", "on_date", "open_days")
            .first()
        )
        open_days = 0
        if previous:
            open_days = previous["open_days"]
            if previous["to_state"] in State.OPEN:
                open_days += max((on_date - previous["on_date"]).days, 0)
        reason = {
            State.REORIENTE: case.reorientation_reason,
            State.ABANDONNE: case.abandon_reason,
        }.get(to_state, "")
        return {
            "on_date": on_date,
            "exit_reason": reason or "",
            "reoriented_to_id": case.reoriented_to_id if to_state == State.REORIENTE else None,
            "open_days": open_days,
        }

    def delete(self, *args, **kwargs):
        raise TypeError("Le journal des transitions ne peut pas être supprimé.")
