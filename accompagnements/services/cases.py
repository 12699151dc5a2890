"""Opening a case and moving it: every state change goes through ``advance``."""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from accounts.models import User
from structures.models import Structure
from territoires import policy

from ..models import Accompagnement, Notification, NotificationKind, State, TransitionLog
from ..models.guards import Guard
from .history import save_by
from .reminders import resolve_after_transition

if TYPE_CHECKING:
    from territoires.models import Dla

# Transition method names the UI may call, with their French labels.
TRANSITIONS = {
    "start_diagnostic": "Passer au diagnostic partagé",
    "start_parcours": "Passer à l'élaboration du parcours",
    "start_coordination": "Passer à la coordination de l'accompagnement",
    "skip_to_suivi": "Passer au suivi (parcours sans ingénierie DLA)",
    "start_suivi": "Passer au suivi de l'accompagnement",
    "close": "Clôturer l'accompagnement",
    "reorient": "Réorienter la structure",
    "abandon": "Déclarer l'accompagnement abandonné",
    "reopen": "Rouvrir l'accompagnement",
}
# Transitions that must carry a comment explaining why.
COMMENT_REQUIRED = {"reopen"}


CONFLICT_MESSAGE = (
    "Quelqu'un a modifié cet accompagnement en même temps que vous. Rechargez la page."
)


class TransitionRefused(Exception):
    """The transition cannot be taken now; ``messages`` say what is missing."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


class Conflict(TransitionRefused):
    """Someone else changed the case first."""


class CaseAlreadyOpen(Exception):
    pass


def _transition_for(case: Accompagnement, name: str) -> Any:
    if name not in TRANSITIONS:
        raise TransitionRefused([f"Action inconnue : {name}."])
    meta = getattr(type(case), name)._django_fsm
    return meta.get_transition(case.state) if meta.has_transition(case.state) else None


def available_transitions(case: Accompagnement, user: Any) -> list[tuple[str, str]]:
    """The transitions ``user`` may take on ``case`` right now, as (name, label) pairs."""
    return [
        (t.name, TRANSITIONS[t.name])
        # Added to the model by django-fsm at class creation.
        for t in case.get_available_user_state_transitions(user)  # type: ignore[attr-defined]
        if t.name in TRANSITIONS
    ]


def missing_for(case: Accompagnement, name: str) -> list[str]:
    """French messages naming what blocks transition ``name`` from the current phase."""
    transition = _transition_for(case, name)
    if transition is None:
        return [
            f"« {TRANSITIONS[name]} » n'est pas possible depuis la phase "
            f"« {case.get_state_display()} »."
        ]
    messages = []
    for condition in transition.conditions:
        if isinstance(condition, Guard):
            messages.extend(condition.missing(case))
        elif not condition(case):
            messages.append("Une condition n'est pas remplie.")
    return messages


def advance(
    case: Accompagnement,
    transition: str,
    *,
    by: User,
    comment: str = "",
    expected_state: str | None = None,
    **params: Any,
) -> Accompagnement:
    """Take ``transition`` on ``case`` as ``by``; journal it; return the fresh case.

    ``expected_state`` is the phase the user saw when they chose the action: if
    the case moved meanwhile, the call is refused with a conflict message.
    """
    expected_state = expected_state or case.state
    comment = comment.strip()
    if transition in COMMENT_REQUIRED and not comment:
        raise TransitionRefused(["Indiquez la raison dans le commentaire."])
    with transaction.atomic():
        # The row lock serialises concurrent advances on PostgreSQL; the state
        # check below (and ConcurrentTransitionMixin on save) catches the loser.
        locked = Accompagnement.objects.select_for_update().get(pk=case.pk)
        if locked.state != expected_state:
            raise Conflict(
                [
                    "Quelqu'un a modifié cet accompagnement en même temps que vous : il est "
                    f"désormais en phase « {locked.get_state_display()} ». Rechargez la page "
                    "et vérifiez avant de recommencer."
                ]
            )
        fsm_transition = _transition_for(locked, transition)
        if fsm_transition is not None and not fsm_transition.has_perm(locked, by):
            raise PermissionDenied("Vous ne pouvez pas faire évoluer cet accompagnement.")
        missing = missing_for(locked, transition)
        if missing:
            raise TransitionRefused(missing)

        from_state = locked.state
        getattr(locked, transition)(**params)
        locked.state_entered_at = timezone.now()
        try:
            locked.save(update_fields=Accompagnement.STATE_FIELDS)
        except ConcurrentTransition as exc:
            raise Conflict([CONFLICT_MESSAGE]) from exc
        log = TransitionLog.objects.create(
            accompagnement=locked,
            user=by,
            transition=transition,
            from_state=from_state,
            to_state=locked.state,
            comment=comment,
            details=_details(params),
            timestamp=locked.state_entered_at,
            **TransitionLog.facts(locked, from_state=from_state, timestamp=locked.state_entered_at),
        )
        # Reminders about the phase the case left (all of them if it ended) are gone.
        resolve_after_transition(locked.pk, ended=not locked.is_open)
        transaction.on_commit(lambda: _after_transition(log.pk))
    return locked


def _details(params: dict[str, Any]) -> dict[str, Any]:
    details: dict[str, Any] = {}
    for key, value in params.items():
        if key == "today":
            continue
        if hasattr(value, "pk"):
            details[key] = {"id": value.pk, "label": str(value)}
        else:
            details[key] = value
    return details


def _after_transition(log_id: int) -> None:
    from ..tasks import notify_transition

    notify_transition.delay(log_id)


def _default_dla(structure: Structure) -> "Dla | None":
    from territoires.models import Dla

    level = Dla.Level.REGIONAL if structure.is_network else Dla.Level.DEPARTEMENTAL
    lookup = (
        {"region_id": structure.region_id}
        if structure.is_network
        else {"departement_id": structure.departement_id}
    )
    return Dla.objects.filter(level=level, **lookup).order_by("pk").first()


def _no_dla_message(structure: Structure, officer: User) -> str:
    territory = (
        f"la région {structure.region}"
        if structure.is_network
        else f"le département {structure.departement}"
    )
    return (
        f"Aucun DLA ne peut porter cet accompagnement : {officer} n'est rattaché·e à aucun "
        f"DLA et aucun DLA n'est enregistré pour {territory}. Rattachez la personne à son "
        "DLA, ou enregistrez le DLA du territoire, puis recommencez."
    )


class ReasonRequired(Exception):
    """A coordinator opening a case for a structure of one department gave no reason."""

    message = (
        "Motif : cette structure n'est pas d'échelle régionale (tête de réseau, fédération, "
        "activité sur plusieurs départements). Indiquez pourquoi la coordination régionale "
        "ouvre cet accompagnement plutôt que le DLA du département."
    )

    def __init__(self) -> None:
        super().__init__(self.message)


def open_case(
    structure: Structure,
    *,
    by: User,
    channel: str,
    request: str,
    opened_on: datetime.date | None = None,
    officer: User | None = None,
    reason: str = "",
) -> Accompagnement:
    """Open a case on ``structure`` owned by ``by``'s DLA; journal the opening.

    A coordinator opens cases for regional-scale structures, or for another structure
    of the region with a written ``reason`` (journaled); either way the officers of the
    structure's department are told (a reminder, emailed as they chose).
    """
    if not policy.may_open_case(by, structure):
        raise PermissionDenied("Vous ne pouvez pas ouvrir d'accompagnement pour cette structure.")
    reason = reason.strip()
    if policy.case_opening_needs_reason(by, structure) and not reason:
        raise ReasonRequired()
    if policy.chooses_case_officer(by):
        officer = officer or by
        dla = officer.dla or _default_dla(structure)
    else:
        officer = by
        dla = by.dla
    if dla is None:
        # A case is owned by a DLA (a NOT NULL column): say so instead of failing the insert.
        raise ValidationError(_no_dla_message(structure, officer))
    message = "Cette structure a déjà un accompagnement ouvert."
    if Accompagnement.objects.open().filter(structure=structure).exists():
        raise CaseAlreadyOpen(message)
    now = timezone.now()
    comment = "Ouverture de l'accompagnement."
    if reason:
        comment = f"Ouverture par la coordination régionale. Motif : {reason}"
    try:
        with transaction.atomic():
            case = Accompagnement.objects.create(
                structure=structure,
                dla=dla,
                officer=officer,
                channel=channel,
                request=request,
                opened_on=opened_on or timezone.localdate(),
                state_entered_at=now,
            )
            TransitionLog.objects.create(
                accompagnement=case,
                user=by,
                transition="open",
                from_state="",
                to_state=State.ACCUEIL,
                comment=comment,
                timestamp=now,
                **TransitionLog.facts(case, from_state="", timestamp=now),
            )
            _notify_departement(case, by=by, reason=reason)
    except IntegrityError as exc:
        # Another person opened one between the check and the insert.
        raise CaseAlreadyOpen(message) from exc
    return case


def _notify_departement(case: Accompagnement, *, by: User, reason: str) -> None:
    """The department's officers learn that the regional DLA opened a case there."""
    recipients = policy.notified_of_regional_opening(by, case.structure)
    if recipients is None:
        return
    text = f"{by} ({by.dla}) a ouvert un accompagnement pour {case.structure}"
    text += f". Motif : {reason}" if reason else " (structure d'échelle régionale)."
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=officer,
                accompagnement=case,
                kind=NotificationKind.OPENED_BY_REGION,
                key=f"open:{case.pk}",
                message=text[:300],
            )
            for officer in User.objects.filter(recipients).exclude(pk=by.pk)
        ]
    )


def update_case(case: Accompagnement, *, by: User) -> Accompagnement:
    """Save the request fields edited in a form (officer, channel, request, first contact).

    Refused with a conflict, nothing written, when the phase changed since the form
    was loaded (``ConcurrentTransitionMixin`` checks the state on save).
    """
    try:
        with transaction.atomic():
            save_by(case, by)
    except ConcurrentTransition as exc:
        raise Conflict([CONFLICT_MESSAGE]) from exc
    return case
