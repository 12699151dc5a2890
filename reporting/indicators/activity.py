"""Activity: structures accompanied, cases, diagnostics, exits."""

from django.db.models import Count, Q

from accompagnements.models import AbandonReason, ActeurKind, ReorientationReason, State

from .base import Breakdown, Indicator, SmallCells, Unit, register
from .expressions import DaysBetween, Median
from .sources import had_ingenierie


def _exited(query, state) -> Q:
    return Q(state=state) & query.in_year("closed_on")


register(
    Indicator(
        code="ACT_STRUCTURES",
        label="Structures accompagnées",
        definition=(
            "Nombre de structures distinctes ayant au moins un accompagnement actif dans "
            "l'année : ouvert au plus tard le 31 décembre et non clos avant le 1er janvier."
        ),
        unit=Unit.STRUCTURES,
        theme="activite",
        source="cases",
        expression=lambda q: Count("structure", distinct=True),
        key=True,
    )
)
register(
    Indicator(
        code="ACT_CASES",
        label="Accompagnements actifs",
        definition="Nombre d'accompagnements actifs dans l'année (une structure peut en avoir "
        "plusieurs au fil des années, un seul ouvert à la fois).",
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
        definition="Nombre d'accompagnements ouverts dans l'année (date d'ouverture).",
        unit=Unit.CASES,
        theme="activite",
        source="cases",
        expression=lambda q: Count("pk", filter=q.in_year("opened_on")),
        key=True,
    )
)
register(
    Indicator(
        code="ACT_DIAGNOSTICS",
        label="Diagnostics partagés validés",
        definition="Nombre de diagnostics partagés validés par la structure dans l'année "
        "(date de validation renseignée, avec le nom de la personne qui a validé).",
        unit=Unit.DIAGNOSTICS,
        theme="activite",
        source="cases",
        # A diagnostic validated in the year belongs to a case active in the year.
        expression=lambda q: Count(
            "pk",
            filter=q.in_year("diagnostic__validated_on") & ~Q(diagnostic__validated_by_name=""),
        ),
        key=True,
    )
)
register(
    Indicator(
        code="ACT_STRUCTURES_INGENIERIE",
        label="Structures ayant bénéficié d'une ingénierie",
        definition="Nombre de structures accompagnées dont le parcours comporte une ingénierie "
        "DLA démarrée dans l'année (hors ingénieries annulées).",
        unit=Unit.STRUCTURES,
        theme="activite",
        source="cases",
        expression=lambda q: Count("structure", distinct=True, filter=Q(had_ingenierie(q))),
        key=True,
    )
)
register(
    Indicator(
        code="ACT_CLOSED",
        label="Accompagnements clôturés",
        definition="Nombre d'accompagnements clôturés dans l'année après le suivi.",
        unit=Unit.CASES,
        theme="parcours",
        source="cases",
        expression=lambda q: Count("pk", filter=_exited(q, State.CLOTURE)),
    )
)
register(
    Indicator(
        code="ACT_REORIENTED",
        label="Réorientations",
        definition="Nombre d'accompagnements terminés dans l'année par une réorientation vers "
        "un autre acteur d'appui (en accueil ou en diagnostic).",
        unit=Unit.CASES,
        theme="parcours",
        source="cases",
        expression=lambda q: Count("pk", filter=_exited(q, State.REORIENTE)),
    )
)
register(
    Indicator(
        code="ACT_REORIENTED_DESTINATION",
        label="Réorientations par type d'acteur de destination",
        definition="Réorientations de l'année, selon le type de l'acteur d'appui vers lequel la "
        "structure a été orientée.",
        unit=Unit.CASES,
        theme="parcours",
        source="cases",
        expression=lambda q, within=None: Count("pk", filter=within),
        where=lambda q: _exited(q, State.REORIENTE),
        breakdown=Breakdown("type d'acteur", "reoriented_to__kind", dict(ActeurKind.choices)),
    )
)
register(
    Indicator(
        code="ACT_REORIENTED_REASON",
        label="Réorientations par motif",
        definition="Réorientations de l'année, selon leur motif.",
        unit=Unit.CASES,
        theme="parcours",
        source="cases",
        expression=lambda q, within=None: Count("pk", filter=within),
        where=lambda q: _exited(q, State.REORIENTE),
        breakdown=Breakdown("motif", "reorientation_reason", dict(ReorientationReason.choices)),
    )
)
register(
    Indicator(
        code="ACT_ABANDONED",
        label="Abandons",
        definition="Nombre d'accompagnements abandonnés dans l'année, quelle que soit la phase.",
        unit=Unit.CASES,
        theme="parcours",
        source="cases",
        expression=lambda q: Count("pk", filter=_exited(q, State.ABANDONNE)),
    )
)
register(
    Indicator(
        code="ACT_ABANDONED_REASON",
        label="Abandons par motif",
        definition="Accompagnements abandonnés dans l'année, selon le motif d'abandon.",
        unit=Unit.CASES,
        theme="parcours",
        source="cases",
        expression=lambda q, within=None: Count("pk", filter=within),
        where=lambda q: _exited(q, State.ABANDONNE),
        breakdown=Breakdown("motif", "abandon_reason", dict(AbandonReason.choices)),
    )
)
register(
    Indicator(
        code="ACT_CASE_MEDIAN_DAYS",
        label="Durée médiane d'un accompagnement clôturé",
        definition="Médiane, sur les accompagnements clôturés dans l'année, du nombre de jours "
        "entre l'ouverture et la clôture.",
        unit=Unit.DAYS,
        theme="parcours",
        source="cases",
        expression=lambda q: Median(
            DaysBetween("closed_on", "opened_on"), filter=_exited(q, State.CLOTURE)
        ),
        small_cells=SmallCells.BASE,
        decimals=1,
    )
)
