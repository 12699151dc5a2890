"""Activity: structures accompanied, cases, diagnostics, exits and reopenings.

Every figure of a year comes from what happened in that year: the journal's
events (dated in the product's time zone, Europe/Paris) and the dates of the
diagnostic and the ingénieries; never from a case's current state or exit
fields, which a reopening empties.
"""

from django.db.models import Count, Q

from accompagnements.models import (
    AbandonReason,
    ActeurKind,
    ReorientationReason,
    State,
    validated_q,
)

from .base import Breakdown, Indicator, SmallCells, Unit, register
from .expressions import Median
from .sources import Query, structure_had_ingenierie

ACCOMPANIED = (
    "Une structure est accompagnée dans l'année si l'un de ses accompagnements a passé une "
    "partie de l'année (au moins un jour, dates du journal) en accueil, en diagnostic "
    "partagé, en élaboration du parcours ou en coordination, ou avait une ingénierie DLA "
    "en cours dans l'année (commencée au plus tard le 31 décembre, non terminée avant le "
    "1er janvier, non annulée) : structures « accueillies, diagnostiquées et/ou ayant "
    "bénéficié d'une ingénierie ». Une année passée tout entière en suivi ne compte pas : "
    "le suivi mesure les effets, il n'accompagne plus."
)
EVENT = (
    " Événement du journal daté de l'année civile (fuseau Europe/Paris) ; il compte pour "
    "cette année définitivement, même si l'accompagnement est rouvert ensuite."
)


def _exit(state: str) -> Q:
    return Q(to_state=state, from_state__in=State.OPEN)


def _validated(q: Query) -> Q:
    return validated_q("diagnostic__") & q.in_year("diagnostic__validated_on")


register(
    Indicator(
        code="ACT_STRUCTURES",
        label="Structures accompagnées",
        definition="Nombre de structures distinctes accompagnées dans l'année. " + ACCOMPANIED,
        unit=Unit.STRUCTURES,
        theme="activite",
        source="structures",
        expression=lambda q: Count("pk"),
        key=True,
    )
)
register(
    Indicator(
        code="ACT_CASES",
        label="Accompagnements en cours",
        definition="Nombre d'accompagnements accompagnant leur structure dans l'année, selon "
        "la même règle (une structure peut en avoir plusieurs au fil des années, un seul "
        "ouvert à la fois). " + ACCOMPANIED,
        unit=Unit.CASES,
        theme="activite",
        source="cases",
        expression=lambda q: Count("pk"),
    )
)
register(
    Indicator(
        code="ACT_NEW_CASES",
        label="Nouveaux accompagnements",
        definition="Nombre d'ouvertures d'accompagnement (première écriture du journal, à la "
        "date d'ouverture) datées de l'année ; une réouverture n'est pas une ouverture." + EVENT,
        unit=Unit.CASES,
        theme="activite",
        source="events",
        expression=lambda q: Count("pk", filter=Q(from_state="")),
        base=lambda q: Q(from_state=""),
        key=True,
    )
)
register(
    Indicator(
        code="ACT_DIAGNOSTICS",
        label="Diagnostics partagés validés",
        definition="Nombre de diagnostics partagés validés par la structure dans l'année : "
        "date de validation dans l'année et nom de la personne qui a validé renseigné (les "
        "deux sont exigés, comme pour passer à l'élaboration du parcours).",
        unit=Unit.DIAGNOSTICS,
        theme="activite",
        source="cases",
        # A diagnostic is validated while its case is in diagnostic: the case is accompanied.
        expression=lambda q: Count("pk", filter=_validated(q)),
        base=_validated,
        key=True,
    )
)
register(
    Indicator(
        code="ACT_STRUCTURES_INGENIERIE",
        label="Structures ayant bénéficié d'une ingénierie",
        definition="Nombre de structures accompagnées dont un accompagnement comporte une "
        "ingénierie DLA démarrée dans l'année (date de début, hors ingénieries annulées).",
        unit=Unit.STRUCTURES,
        theme="activite",
        source="structures",
        expression=lambda q: Count("pk", filter=Q(structure_had_ingenierie(q))),
        base=lambda q: Q(structure_had_ingenierie(q)),
        key=True,
    )
)
register(
    Indicator(
        code="ACT_CLOSED",
        label="Accompagnements clôturés",
        definition="Nombre de clôtures (après le suivi) datées de l'année. Un accompagnement "
        "clôturé, rouvert puis clôturé de nouveau dans la même année compte deux fois." + EVENT,
        unit=Unit.CASES,
        theme="parcours",
        source="events",
        expression=lambda q: Count("pk", filter=_exit(State.CLOTURE)),
        base=lambda q: _exit(State.CLOTURE),
    )
)
register(
    Indicator(
        code="ACT_REORIENTED",
        label="Réorientations",
        definition="Nombre de réorientations vers un autre acteur d'appui (en accueil ou en "
        "diagnostic) datées de l'année." + EVENT,
        unit=Unit.CASES,
        theme="parcours",
        source="events",
        expression=lambda q: Count("pk", filter=_exit(State.REORIENTE)),
        base=lambda q: _exit(State.REORIENTE),
    )
)
register(
    Indicator(
        code="ACT_REORIENTED_DESTINATION",
        label="Réorientations par type d'acteur de destination",
        definition="Réorientations datées de l'année, selon le type de l'acteur d'appui de "
        "destination enregistré sur la ligne du journal." + EVENT,
        unit=Unit.CASES,
        theme="parcours",
        source="events",
        expression=lambda q, within=None: Count("pk", filter=within),
        where=lambda q: _exit(State.REORIENTE),
        breakdown=Breakdown("type d'acteur", "reoriented_to__kind", dict(ActeurKind.choices)),
        total_of="ACT_REORIENTED",
    )
)
register(
    Indicator(
        code="ACT_REORIENTED_REASON",
        label="Réorientations par motif",
        definition="Réorientations datées de l'année, selon le motif enregistré sur la ligne "
        "du journal." + EVENT,
        unit=Unit.CASES,
        theme="parcours",
        source="events",
        expression=lambda q, within=None: Count("pk", filter=within),
        where=lambda q: _exit(State.REORIENTE),
        breakdown=Breakdown("motif", "exit_reason", dict(ReorientationReason.choices)),
        total_of="ACT_REORIENTED",
    )
)
register(
    Indicator(
        code="ACT_ABANDONED",
        label="Abandons",
        definition="Nombre d'abandons datés de l'année, quelle que soit la phase." + EVENT,
        unit=Unit.CASES,
        theme="parcours",
        source="events",
        expression=lambda q: Count("pk", filter=_exit(State.ABANDONNE)),
        base=lambda q: _exit(State.ABANDONNE),
    )
)
register(
    Indicator(
        code="ACT_ABANDONED_REASON",
        label="Abandons par motif",
        definition="Abandons datés de l'année, selon le motif enregistré sur la ligne du "
        "journal." + EVENT,
        unit=Unit.CASES,
        theme="parcours",
        source="events",
        expression=lambda q, within=None: Count("pk", filter=within),
        where=lambda q: _exit(State.ABANDONNE),
        breakdown=Breakdown("motif", "exit_reason", dict(AbandonReason.choices)),
        total_of="ACT_ABANDONED",
    )
)
register(
    Indicator(
        code="ACT_REOPENED",
        label="Réouvertures",
        definition="Nombre de réouvertures d'un accompagnement clôturé, réorienté ou abandonné, "
        "datées de l'année. La sortie rouverte reste comptée dans son année." + EVENT,
        unit=Unit.CASES,
        theme="parcours",
        source="events",
        expression=lambda q: Count("pk", filter=Q(from_state__in=State.TERMINAL)),
        base=lambda q: Q(from_state__in=State.TERMINAL),
    )
)
register(
    Indicator(
        code="ACT_CASE_MEDIAN_DAYS",
        label="Durée médiane d'un accompagnement clôturé",
        definition="Médiane, sur les clôtures datées de l'année, de la durée d'accompagnement : "
        "jours passés dans les phases ouvertes depuis l'ouverture jusqu'à cette clôture. Pour "
        "un accompagnement rouvert, les périodes où il était clos (entre une sortie et la "
        "réouverture) ne comptent pas ; les périodes ouvertes avant et après s'additionnent."
        + EVENT,
        unit=Unit.DAYS,
        theme="parcours",
        source="events",
        expression=lambda q: Median("open_days", filter=_exit(State.CLOTURE)),
        base=lambda q: _exit(State.CLOTURE),
        additive=False,
        small_cells=SmallCells.BASE,
        decimals=1,
    )
)
