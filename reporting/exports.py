"""National yearly exports: an anonymised case-level dataset and the indicator tables.

Column schemas are versioned (docs/exports.md): a new column is only ever added
at the end and bumps the minor version; a test pins the column lists. Cells a
spreadsheet would read as a formula are neutralised by ``tabular``.
"""

import hashlib
import hmac
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Subquery

import tabular
from accompagnements.models import Diagnostic, FollowUp, IngenierieKind, PlanAction, validated_q

from . import publication
from .indicators import (
    REGISTRY,
    SOURCES,
    Level,
    Query,
    TerritoryNames,
    category_label,
    compute,
)
from .indicators.engine import SECRET, SMALL_CELL_THRESHOLD
from .indicators.sources import ingenierie_started
from .indicators.structures import size_class

SCHEMA_VERSION = "1.0"
DATASETS = {
    "accompagnements": "jeu de données anonymisé des accompagnements",
    "indicateurs": "tableaux des indicateurs",
}

# (column, description) — append only.
CASE_COLUMNS = [
    ("annee", "Année de référence de l'export."),
    ("id_accompagnement", "Identifiant pseudonyme de l'accompagnement, stable entre exports."),
    ("id_structure", "Identifiant pseudonyme de la structure (repère les retours)."),
    ("code_region", "Code INSEE de la région du siège de la structure."),
    ("code_departement", "Code INSEE du département ; « s » sous 5 structures accompagnées."),
    ("forme_juridique", "Forme juridique (code)."),
    ("secteur", "Secteur d'activité (code)."),
    ("classe_taille", "Taille selon l'effectif salarié : 0, 1-9, 10-49, 50+."),
    ("qpv", "Structure située en quartier prioritaire (oui/non)."),
    ("zrr", "Structure située en ZRR ou zone rurale (oui/non)."),
    ("tete_de_reseau", "Tête de réseau ou fédération (oui/non)."),
    ("niveau_dla", "Niveau du DLA porteur : departemental ou regional."),
    ("canal", "Origine de la demande (code)."),
    ("phase", "Phase ou état de l'accompagnement à la date de l'export (code)."),
    ("mois_ouverture", "Mois d'ouverture (AAAA-MM)."),
    ("mois_cloture", "Mois de clôture, de réorientation ou d'abandon (AAAA-MM), vide si ouvert."),
    ("nouvel_accompagnement", "Ouvert pendant l'année de référence (oui/non)."),
    ("diagnostic_valide", "Diagnostic partagé validé par la structure (oui/non)."),
    ("ingenieries_individuelles", "Nombre d'ingénieries individuelles démarrées dans l'année."),
    ("ingenieries_collectives", "Nombre d'ingénieries collectives démarrées dans l'année."),
    ("motif_reorientation", "Motif de réorientation (code), vide sinon."),
    ("type_acteur_reorientation", "Type de l'acteur d'appui de destination (code), vide sinon."),
    ("motif_abandon", "Motif d'abandon (code), vide sinon."),
    ("effectif", "Effectif salarié de la structure."),
    ("etp", "Équivalents temps plein."),
    ("cdi", "Salarié·es en CDI."),
    ("cdd", "Salarié·es en CDD."),
    ("situation_dernier_suivi", "Situation relevée au dernier point de suivi (code), vide sinon."),
    ("satisfaction_dernier_suivi", "Satisfaction au dernier point de suivi (1 à 4), vide sinon."),
]  # fmt: skip

INDICATOR_COLUMNS = [
    ("annee", "Année de référence."),
    ("code_indicateur", "Code de l'indicateur (voir le dictionnaire des indicateurs)."),
    ("indicateur", "Libellé de l'indicateur."),
    ("unite", "Unité de la valeur."),
    ("niveau", "Niveau territorial : national, region ou departement."),
    ("code_territoire", "Code INSEE du territoire, vide au niveau national."),
    ("territoire", "Nom du territoire."),
    ("ventilation", "Dimension de ventilation, vide pour un indicateur non ventilé."),
    ("code_modalite", "Code de la modalité de ventilation."),
    ("modalite", "Libellé de la modalité."),
    ("valeur", "Valeur ; « s » pour une case sous le secret statistique, vide si non calculable."),
]


def pseudonym(kind: str, pk: int) -> str:
    """A stable identifier that cannot be traced back to the record without the secret key."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{pk}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def _count(queryset):
    return Subquery(
        queryset.order_by().values("accompagnement").annotate(n=Count("pk")).values("n")[:1]
    )


def case_queryset(query: Query):
    started = PlanAction.objects.filter(
        ingenierie_started(query, "ingenierie__"), accompagnement=OuterRef("pk")
    )
    last_followup = FollowUp.objects.filter(accompagnement=OuterRef("pk")).order_by(
        "-checked_on", "-pk"
    )
    return (
        SOURCES["cases"]
        .queryset(query)
        .annotate(
            size_class=size_class("structure__"),
            # The rule of Diagnostic.is_validated (validator and date), by the end of the year.
            diagnostic_validated=Exists(
                Diagnostic.objects.filter(
                    validated_q(),
                    accompagnement=OuterRef("pk"),
                    validated_on__lte=query.last_day,
                )
            ),
            individual=_count(started.filter(ingenierie__kind=IngenierieKind.INDIVIDUELLE)),
            collective=_count(started.filter(ingenierie__kind=IngenierieKind.COLLECTIVE)),
            last_situation=Subquery(last_followup.values("situation")[:1]),
            last_satisfaction=Subquery(last_followup.values("satisfaction")[:1]),
        )
        .order_by("pk")
    )


def _month(value):
    return value.strftime("%Y-%m") if value else ""


def case_rows(query: Query, queryset=None) -> Iterator[list]:
    """Rows of the dataset; ``queryset`` narrows ``case_queryset(query)`` (an API page)."""
    small = {
        code
        for code, count in compute(query, [REGISTRY["ACT_STRUCTURES"]], by=Level.DEPARTEMENT)[
            "ACT_STRUCTURES"
        ].items()
        if count < SMALL_CELL_THRESHOLD
    }
    cases = case_queryset(query) if queryset is None else queryset
    rows = cases.values_list(
        "pk",
        "structure_id",
        "structure__region__code",
        "structure__departement__code",
        "structure__legal_form",
        "structure__sector",
        "size_class",
        "structure__in_qpv",
        "structure__in_zrr",
        "structure__is_network",
        "dla__level",
        "channel",
        "state",
        "opened_on",
        "closed_on",
        "diagnostic_validated",
        "individual",
        "collective",
        "reorientation_reason",
        "reoriented_to__kind",
        "abandon_reason",
        "structure__headcount",
        "structure__fte",
        "structure__cdi_count",
        "structure__cdd_count",
        "last_situation",
        "last_satisfaction",
    )
    year = query.year
    for row in rows.iterator(chunk_size=2000):
        (pk, structure, region, departement, *rest) = row
        (legal_form, sector, size, qpv, zrr, network, level, channel, state) = rest[:9]
        (opened, closed, diagnostic, individual, collective) = rest[9:14]
        (reason, kind, abandon, headcount, fte, cdi, cdd, situation, satisfaction) = rest[14:]
        yield [
            year,
            pseudonym("accompagnement", pk),
            pseudonym("structure", structure),
            region,
            SECRET if departement in small else departement,
            legal_form,
            sector,
            size,
            qpv,
            zrr,
            network,
            level,
            channel,
            state,
            _month(opened),
            _month(closed),
            opened.year == year,
            diagnostic,
            individual or 0,
            collective or 0,
            reason,
            kind or "",
            abandon,
            headcount,
            fte,
            cdi,
            cdd,
            situation or "",
            satisfaction,
        ]


def indicator_rows(query: Query) -> Iterator[list]:
    """Long format: one row per indicator, territory and category.

    Values come from the year's publication (``reporting.publication``): public figures,
    with the cells its disclosure control hides shown as « s », the same in every output.
    """
    names = TerritoryNames(query.using)
    published = publication.build(query.year, using=query.using)
    year = query.year
    scope = query.scope
    label = "France entière" if scope.level == Level.NATIONAL else scope.name
    territory = scope.code if scope.level != Level.NATIONAL else ""
    for indicator in REGISTRY.values():
        if not indicator.is_breakdown:
            value = published.public(indicator.code, scope.level, territory)
        else:
            value = {
                category: published.public(indicator.code, scope.level, territory, category)
                for category in _categories(indicator, published, scope.level, territory)
                or names.labels(indicator, query)
            }
        yield from _indicator_lines(
            year, indicator, scope.level, scope.code, label, value, names, query
        )
    scalars = [i for i in REGISTRY.values() if not i.is_breakdown]
    levels = {Level.NATIONAL: [Level.REGION, Level.DEPARTEMENT], Level.REGION: [Level.DEPARTEMENT]}
    for level in levels.get(scope.level, []):
        territories = names.within(level, query)
        for indicator in scalars:
            for code, name in territories.items():
                value = published.public(indicator.code, level, code)
                yield _line(year, indicator, level, code, name, value)


def _categories(indicator, published, level, territory) -> list[str]:
    """The categories of a breakdown in the publication, in the registry's order."""
    found = {
        category
        for code, cell_level, cell_territory, category in published.values
        if code == indicator.code and cell_level == level and cell_territory == territory
    }
    labels = indicator.breakdown.labels
    ordered = [c for c in labels if c in found] if isinstance(labels, dict) else []
    return ordered + sorted(found - set(ordered))


def _line(year, indicator, level, code, territory, value, category=("", "")):
    breakdown = indicator.breakdown.label if indicator.breakdown else ""
    return [
        year,
        indicator.code,
        indicator.label,
        indicator.unit,
        level,
        code,
        territory,
        breakdown,
        category[0],
        category[1],
        value,
    ]


def _indicator_lines(year, indicator, level, code, territory, value, names, query):
    if not indicator.is_breakdown:
        yield _line(year, indicator, level, code, territory, value)
        return
    labels = names.labels(indicator, query)
    for key, item in value.items():
        yield _line(
            year,
            indicator,
            level,
            code,
            territory,
            item,
            (key, category_label(indicator, key, labels)),
        )


def columns(dataset: str) -> list[str]:
    schema = CASE_COLUMNS if dataset == "accompagnements" else INDICATOR_COLUMNS
    return [name for name, _ in schema]


def rows(query: Query, dataset: str):
    return case_rows(query) if dataset == "accompagnements" else indicator_rows(query)


def filename(dataset: str, year: int) -> str:
    return f"dla-{dataset}-{year}-schema-v{SCHEMA_VERSION}"


def export_file(query: Query, dataset: str, fmt: str) -> bytes:
    headers, data = columns(dataset), rows(query, dataset)
    if fmt == "csv":
        return b"".join(line.encode("utf-8") for line in tabular.csv_rows(headers, data))
    if fmt == "xlsx":
        return tabular.xlsx_bytes(headers, data, title=dataset)
    if fmt == "ods":
        return tabular.ods_bytes(headers, data, title=dataset)
    raise ValueError(f"unknown export format {fmt!r}")


def response(query: Query, dataset: str, fmt: str):
    """An attachment response; CSV streams row by row."""
    return tabular.export_response(
        fmt, filename(dataset, query.year), columns(dataset), rows(query, dataset)
    )
