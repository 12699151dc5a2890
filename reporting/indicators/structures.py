"""Who is accompanied: breakdowns of the structures and their jobs."""

from django.db.models import (
    Case,
    CharField,
    Count,
    Expression,
    FloatField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, NullIf

from structures.models import LegalForm, Sector, SizeClass

from .base import Breakdown, Indicator, SmallCells, Unit, register


def size_class(prefix: str = "") -> Case:
    """The size class of a structure (``prefix`` leads from the rows to the structure)."""
    return Case(
        When(**{f"{prefix}headcount": 0}, then=Value(SizeClass.NONE.value)),
        When(**{f"{prefix}headcount__lte": 9}, then=Value(SizeClass.SMALL.value)),
        When(**{f"{prefix}headcount__lte": 49}, then=Value(SizeClass.MEDIUM.value)),
        default=Value(SizeClass.LARGE.value),
        output_field=CharField(),
    )


def ratio(part: Expression, whole: Expression) -> CombinedExpression:
    return Cast(part, FloatField()) / NullIf(Cast(whole, FloatField()), 0.0)


def percent(part: Expression, whole: Expression) -> CombinedExpression:
    return ratio(part, whole) * 100.0


STRUCTURES_NOTE = (
    "Structures accompagnées dans l'année (voir ACT_STRUCTURES) ; caractéristiques et "
    "territoire tels qu'enregistrés au registre le 31 décembre de l'année (historique des "
    "fiches), jamais ceux du jour du calcul."
)

for code, label, name, category, labels in [
    (
        "STR_LEGAL_FORM",
        "Structures accompagnées par forme juridique",
        "forme juridique",
        "legal_form",
        LegalForm,
    ),
    ("STR_SECTOR", "Structures accompagnées par secteur d'activité", "secteur", "sector", Sector),
]:
    register(
        Indicator(
            code=code,
            label=label,
            definition=STRUCTURES_NOTE,
            unit=Unit.STRUCTURES,
            theme="structures",
            source="structures",
            expression=lambda q, within=None: Count("pk", filter=within),
            breakdown=Breakdown(
                name, category, {value: str(text) for value, text in labels.choices}
            ),
            total_of="ACT_STRUCTURES",
        )
    )

register(
    Indicator(
        code="STR_SIZE_CLASS",
        label="Structures accompagnées par taille",
        definition=STRUCTURES_NOTE + " Taille selon l'effectif salarié : 0, 1 à 9, 10 à 49, "
        "50 et plus.",
        unit=Unit.STRUCTURES,
        theme="structures",
        source="structures",
        expression=lambda q, within=None: Count("pk", filter=within),
        breakdown=Breakdown("taille", size_class(), dict(SizeClass.choices)),
        total_of="ACT_STRUCTURES",
    )
)
register(
    Indicator(
        code="STR_REGION",
        label="Structures accompagnées par région",
        definition=STRUCTURES_NOTE + " Région du siège de la structure.",
        unit=Unit.STRUCTURES,
        theme="structures",
        source="structures",
        expression=lambda q, within=None: Count("pk", filter=within),
        breakdown=Breakdown("région", "region__code", "region"),
    )
)
register(
    Indicator(
        code="STR_DEPARTEMENT",
        label="Structures accompagnées par département",
        definition=STRUCTURES_NOTE + " Département du siège de la structure.",
        unit=Unit.STRUCTURES,
        theme="structures",
        source="structures",
        expression=lambda q, within=None: Count("pk", filter=within),
        breakdown=Breakdown("département", "departement__code", "departement"),
    )
)
register(
    Indicator(
        code="STR_QPV",
        label="Structures accompagnées situées en QPV",
        definition=STRUCTURES_NOTE + " Structures situées dans un quartier prioritaire de la "
        "politique de la ville.",
        unit=Unit.STRUCTURES,
        theme="structures",
        source="structures",
        expression=lambda q: Count("pk", filter=Q(in_qpv=True)),
        base=lambda q: Q(in_qpv=True),
    )
)
register(
    Indicator(
        code="STR_ZRR",
        label="Structures accompagnées situées en ZRR ou zone rurale",
        definition=STRUCTURES_NOTE + " Structures situées en zone de revitalisation rurale ou "
        "en zone rurale.",
        unit=Unit.STRUCTURES,
        theme="structures",
        source="structures",
        expression=lambda q: Count("pk", filter=Q(in_zrr=True)),
        base=lambda q: Q(in_zrr=True),
    )
)
register(
    Indicator(
        code="STR_JOBS",
        label="Salarié·es des structures accompagnées",
        definition=STRUCTURES_NOTE + " Somme des effectifs salariés.",
        unit=Unit.JOBS,
        theme="structures",
        source="structures",
        expression=lambda q: Sum("headcount"),
        small_cells=SmallCells.BASE,
        key=True,
    )
)
register(
    Indicator(
        code="STR_FTE",
        label="Équivalents temps plein des structures accompagnées",
        definition=STRUCTURES_NOTE + " Somme des équivalents temps plein.",
        unit=Unit.FTE,
        theme="structures",
        source="structures",
        expression=lambda q: Sum("fte"),
        small_cells=SmallCells.BASE,
        decimals=1,
    )
)
register(
    Indicator(
        code="STR_CDI_SHARE",
        label="Part des CDI dans les emplois des structures accompagnées",
        definition=STRUCTURES_NOTE + " Salarié·es en CDI divisé par salarié·es en CDI ou CDD, "
        "en pourcentage.",
        unit=Unit.PERCENT,
        theme="structures",
        source="structures",
        expression=lambda q: percent(Sum("cdi_count"), Sum("cdi_count") + Sum("cdd_count")),
        additive=False,
        small_cells=SmallCells.BASE,
        decimals=1,
        key=True,
    )
)
