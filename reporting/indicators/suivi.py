"""Follow-up: checkpoints, situation of the structures, satisfaction; time in each phase."""

from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum

from accompagnements.models import Situation, State, TransitionLog

from .base import Breakdown, Indicator, SmallCells, Unit, register
from .expressions import DaysBetween, Median
from .sources import Query
from .structures import percent

FOLLOWUPS = "Points de suivi réalisés dans l'année (date du point de suivi)."


def _with_days_in_phase(queryset: QuerySet[Any], query: Query) -> QuerySet[Any]:
    # A case entered the phase it leaves at the journal row just before this one.
    previous = TransitionLog.objects.filter(
        Q(timestamp__lt=OuterRef("timestamp"))
        | Q(timestamp=OuterRef("timestamp"), pk__lt=OuterRef("pk")),
        accompagnement=OuterRef("accompagnement"),
    ).order_by("-timestamp", "-pk")
    return queryset.alias(
        days_in_phase=DaysBetween(F("timestamp"), Subquery(previous.values("timestamp")[:1]))
    )


register(
    Indicator(
        code="SUI_FOLLOWUPS",
        label="Points de suivi réalisés",
        definition=FOLLOWUPS,
        unit=Unit.FOLLOWUPS,
        theme="suivi",
        source="followups",
        expression=lambda q: Count("pk"),
    )
)
register(
    Indicator(
        code="SUI_SITUATION",
        label="Situation des structures au point de suivi",
        definition=FOLLOWUPS + " Situation constatée : consolidée, en développement, fragile, "
        "cessation d'activité.",
        unit=Unit.FOLLOWUPS,
        theme="suivi",
        source="followups",
        expression=lambda q, within=None: Count("pk", filter=within),
        breakdown=Breakdown("situation", "situation", dict(Situation.choices)),
        total_of="SUI_FOLLOWUPS",
    )
)
register(
    Indicator(
        code="SUI_SATISFIED",
        label="Structures satisfaites de l'accompagnement",
        definition=FOLLOWUPS + " Part des points de suivi où la structure se dit « plutôt » "
        "ou « très » satisfaite, parmi ceux où la satisfaction est renseignée.",
        unit=Unit.PERCENT,
        theme="suivi",
        source="followups",
        expression=lambda q: percent(
            Count("pk", filter=Q(satisfaction__gte=3)),
            Count("pk", filter=Q(satisfaction__isnull=False)),
        ),
        base=lambda q: Q(satisfaction__isnull=False),
        additive=False,
        small_cells=SmallCells.BASE,
        decimals=1,
        key=True,
    )
)
register(
    Indicator(
        code="SUI_JOBS",
        label="Salarié·es au point de suivi",
        definition=FOLLOWUPS + " Somme des effectifs salariés relevés.",
        unit=Unit.JOBS,
        theme="suivi",
        source="followups",
        expression=lambda q: Sum("headcount"),
        small_cells=SmallCells.BASE,
    )
)
register(
    Indicator(
        code="PAR_PHASE_MEDIAN_DAYS",
        label="Durée médiane passée dans chaque phase",
        definition="Pour chaque sortie de phase enregistrée au journal dans l'année, nombre de "
        "jours depuis l'entrée dans cette phase (l'écriture précédente du journal) ; médiane "
        "par phase quittée.",
        unit=Unit.DAYS,
        theme="parcours",
        source="journal",
        expression=lambda q, within=None: Median("days_in_phase", filter=within),
        prepare=_with_days_in_phase,
        additive=False,
        breakdown=Breakdown(
            "phase",
            "from_state",
            {state: label for state, label in State.choices if state in State.OPEN},
            zero_fill=False,
        ),
        small_cells=SmallCells.BASE,
        decimals=1,
    )
)
