"""Ingénieries paid by the DLA: volume, themes, spending, consultants, satisfaction."""

from collections.abc import Callable

from django.db.models import Count, F, Q, Sum

from accompagnements.models import Funder, IngenierieKind, IngenierieTheme

from .base import Breakdown, Indicator, SmallCells, Unit, register
from .sources import Query, ingenierie_finished, ingenierie_started
from .structures import percent, ratio

ATTRIBUTION = (
    " Une ingénierie est comptée dans le territoire du DLA qui la commande ; une ingénierie "
    "collective compte une fois."
)
STARTED = "Ingénieries démarrées dans l'année (date de début), hors ingénieries annulées."


def _priced(q: Query) -> Q:
    return ingenierie_started(q) & Q(days__isnull=False, daily_rate__isnull=False)


def _started_of_kind(kind: str) -> Callable[[Query], Q]:
    def condition(q: Query) -> Q:
        return ingenierie_started(q) & Q(kind=kind)

    return condition


register(
    Indicator(
        code="ING_STARTED",
        label="Ingénieries démarrées",
        definition=STARTED + ATTRIBUTION,
        unit=Unit.INGENIERIES,
        theme="ingenieries",
        source="ingenieries",
        expression=lambda q: Count("pk", filter=ingenierie_started(q)),
        base=ingenierie_started,
        parts=("ING_INDIVIDUAL", "ING_COLLECTIVE"),
        key=True,
    )
)
for code, label, kind in [
    ("ING_INDIVIDUAL", "Ingénieries individuelles démarrées", IngenierieKind.INDIVIDUELLE),
    ("ING_COLLECTIVE", "Ingénieries collectives démarrées", IngenierieKind.COLLECTIVE),
]:
    register(
        Indicator(
            code=code,
            label=label,
            definition=f"{STARTED} Ingénieries de type « {kind.label} ».{ATTRIBUTION}",
            unit=Unit.INGENIERIES,
            theme="ingenieries",
            source="ingenieries",
            expression=lambda q, kind=kind: Count(
                "pk", filter=ingenierie_started(q) & Q(kind=kind)
            ),
            base=_started_of_kind(kind),
        )
    )
register(
    Indicator(
        code="ING_THEME",
        label="Ingénieries démarrées par thème",
        definition=STARTED
        + " Thème principal de l'ingénierie, dans la nomenclature du bilan national : projet "
        "et stratégie, organisation interne, restructuration économique et financière, "
        "diversification des financements, mutualisation / fusion / regroupement, fonction "
        "employeur / RH, communication, numérique, transition écologique." + ATTRIBUTION,
        unit=Unit.INGENIERIES,
        theme="ingenieries",
        source="ingenieries",
        expression=lambda q, within=None: Count("pk", filter=within),
        where=ingenierie_started,
        breakdown=Breakdown("thème", "theme", dict(IngenierieTheme.choices)),
        total_of="ING_STARTED",
    )
)
register(
    Indicator(
        code="ING_SPENDING",
        label="Dépense d'ingénierie",
        definition=STARTED + " Somme des coûts totaux (jours × tarif journalier lorsque le coût "
        "n'est pas saisi)." + ATTRIBUTION,
        unit=Unit.EUROS,
        theme="ingenieries",
        source="ingenieries",
        expression=lambda q: Sum("cost", filter=ingenierie_started(q)),
        base=ingenierie_started,
        small_cells=SmallCells.BASE,
        key=True,
    )
)
register(
    Indicator(
        code="ING_DAYS",
        label="Jours de prestation",
        definition=STARTED + " Somme des jours de prestation." + ATTRIBUTION,
        unit=Unit.DAYS,
        theme="ingenieries",
        source="ingenieries",
        expression=lambda q: Sum("days", filter=ingenierie_started(q)),
        base=ingenierie_started,
        small_cells=SmallCells.BASE,
        decimals=1,
    )
)
register(
    Indicator(
        code="ING_DAILY_RATE",
        label="Tarif journalier moyen",
        definition=STARTED + " Moyenne des tarifs journaliers pondérée par les jours : somme "
        "de (jours × tarif) divisée par la somme des jours, sur les ingénieries où les deux "
        "sont saisis." + ATTRIBUTION,
        unit=Unit.EUROS_PER_DAY,
        theme="ingenieries",
        source="ingenieries",
        expression=lambda q: ratio(
            Sum(F("days") * F("daily_rate"), filter=_priced(q)),
            Sum("days", filter=_priced(q)),
        ),
        base=_priced,
        additive=False,
        small_cells=SmallCells.BASE,
    )
)
register(
    Indicator(
        code="ING_FUNDING",
        label="Financement des ingénieries par financeur",
        definition="Montants des financements des ingénieries démarrées dans l'année, par "
        "financeur." + ATTRIBUTION,
        unit=Unit.EUROS,
        theme="ingenieries",
        source="fundings",
        expression=lambda q, within=None: Sum("amount", filter=within),
        breakdown=Breakdown("financeur", "funder", dict(Funder.choices)),
        small_cells=SmallCells.BASE,
    )
)
register(
    Indicator(
        code="ING_CONSULTANTS",
        label="Prestataires mobilisés",
        definition=STARTED + " Nombre de prestataires distincts retenus." + ATTRIBUTION,
        unit=Unit.CONSULTANTS,
        theme="ingenieries",
        source="ingenieries",
        expression=lambda q: Count(
            "selected_prestataire", distinct=True, filter=ingenierie_started(q)
        ),
        base=ingenierie_started,
        # A consultant working in two departments counts once in their region.
        additive=False,
    )
)
register(
    Indicator(
        code="ING_SATISFIED",
        label="Structures satisfaites de l'ingénierie",
        definition="Ingénieries terminées dans l'année (date de fin) dont la satisfaction est "
        "renseignée : part des structures « plutôt » ou « très » satisfaites." + ATTRIBUTION,
        unit=Unit.PERCENT,
        theme="ingenieries",
        source="ingenieries",
        expression=lambda q: percent(
            Count("pk", filter=ingenierie_finished(q) & Q(satisfaction__gte=3)),
            Count("pk", filter=ingenierie_finished(q) & Q(satisfaction__isnull=False)),
        ),
        base=lambda q: ingenierie_finished(q) & Q(satisfaction__isnull=False),
        additive=False,
        small_cells=SmallCells.BASE,
        decimals=1,
    )
)
