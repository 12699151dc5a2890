"""National yearly exports: an anonymised case-level dataset and the indicator tables.

Column schemas are versioned (docs/exports.md): a new column is only ever added
at the end and bumps the minor version; a test pins the column lists. Cells a
spreadsheet would read as a formula are neutralised by ``tabular``.
"""

import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class CaseContext:
    """What a row's cells need beyond the row itself."""

    year: int
    # Departments under the small-cell threshold: their code is shown as SECRET.
    small_departements: frozenset[str]


@dataclass(frozen=True)
class Column:
    """A published column: its name and meaning (docs/exports.md) and, for the case-level
    dataset, the value of ``case_queryset`` it shows (``lookup``) and how (``cell``)."""

    name: str
    description: str
    lookup: str = ""
    # The cell from the looked-up value (None when there is no lookup); as is when unset.
    cell: Callable[[Any, CaseContext], Any] | None = None


def _month(value, _context=None) -> str:
    return value.strftime("%Y-%m") if value else ""


def _zero_if_none(value, _context) -> int:
    return value or 0


def _blank_if_none(value, _context) -> str:
    return value or ""


def _secret_if_small(code, context) -> str:
    return SECRET if code in context.small_departements else code


# Append only: a new column goes at the end and bumps the schema's minor version.
CASE_COLUMNS = [
    Column("annee", "Année de référence de l'export.", cell=lambda _, c: c.year),
    Column("id_accompagnement",
           "Identifiant pseudonyme de l'accompagnement, stable entre exports.",
           "pk", lambda pk, _: pseudonym("accompagnement", pk)),
    Column("id_structure",
           "Identifiant pseudonyme de la structure (repère les retours).",
           "structure_id", lambda pk, _: pseudonym("structure", pk)),
    Column("code_region",
           "Code INSEE de la région du siège de la structure.",
           "structure__region__code"),
    Column("code_departement",
           "Code INSEE du département ; « s » sous 5 structures accompagnées.",
           "structure__departement__code", _secret_if_small),
    Column("forme_juridique", "Forme juridique (code).", "structure__legal_form"),
    Column("secteur", "Secteur d'activité (code).", "structure__sector"),
    Column("classe_taille", "Taille selon l'effectif salarié : 0, 1-9, 10-49, 50+.", "size_class"),
    Column("qpv", "Structure située en quartier prioritaire (oui/non).", "structure__in_qpv"),
    Column("zrr", "Structure située en ZRR ou zone rurale (oui/non).", "structure__in_zrr"),
    Column("tete_de_reseau", "Tête de réseau ou fédération (oui/non).", "structure__is_network"),
    Column("niveau_dla", "Niveau du DLA porteur : departemental ou regional.", "dla__level"),
    Column("canal", "Origine de la demande (code).", "channel"),
    Column("phase", "Phase ou état de l'accompagnement à la date de l'export (code).", "state"),
    Column("mois_ouverture", "Mois d'ouverture (AAAA-MM).", "opened_on", _month),
    Column("mois_cloture",
           "Mois de clôture, de réorientation ou d'abandon (AAAA-MM), vide si ouvert.",
           "closed_on", _month),
    Column("nouvel_accompagnement",
           "Ouvert pendant l'année de référence (oui/non).",
           "opened_on", lambda day, c: day.year == c.year),
    Column("diagnostic_valide",
           "Diagnostic partagé validé par la structure (oui/non).",
           "diagnostic_validated"),
    Column("ingenieries_individuelles",
           "Nombre d'ingénieries individuelles démarrées dans l'année.",
           "individual", _zero_if_none),
    Column("ingenieries_collectives",
           "Nombre d'ingénieries collectives démarrées dans l'année.",
           "collective", _zero_if_none),
    Column("motif_reorientation",
           "Motif de réorientation (code), vide sinon.",
           "reorientation_reason"),
    Column("type_acteur_reorientation",
           "Type de l'acteur d'appui de destination (code), vide sinon.",
           "reoriented_to__kind", _blank_if_none),
    Column("motif_abandon", "Motif d'abandon (code), vide sinon.", "abandon_reason"),
    Column("effectif", "Effectif salarié de la structure.", "structure__headcount"),
    Column("etp", "Équivalents temps plein.", "structure__fte"),
    Column("cdi", "Salarié·es en CDI.", "structure__cdi_count"),
    Column("cdd", "Salarié·es en CDD.", "structure__cdd_count"),
    Column("situation_dernier_suivi",
           "Situation relevée au dernier point de suivi (code), vide sinon.",
           "last_situation", _blank_if_none),
    Column("satisfaction_dernier_suivi",
           "Satisfaction au dernier point de suivi (1 à 4), vide sinon.",
           "last_satisfaction"),
]  # fmt: skip

INDICATOR_COLUMNS = [
    Column("annee", "Année de référence."),
    Column("code_indicateur", "Code de l'indicateur (voir le dictionnaire des indicateurs)."),
    Column("indicateur", "Libellé de l'indicateur."),
    Column("unite", "Unité de la valeur."),
    Column("niveau", "Niveau territorial : national, region ou departement."),
    Column("code_territoire", "Code INSEE du territoire, vide au niveau national."),
    Column("territoire", "Nom du territoire."),
    Column("ventilation", "Dimension de ventilation, vide pour un indicateur non ventilé."),
    Column("code_modalite", "Code de la modalité de ventilation."),
    Column("modalite", "Libellé de la modalité."),
    Column(
        "valeur", "Valeur ; « s » pour une case sous le secret statistique, vide si non calculable."
    ),
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


def _small_departements(query: Query) -> frozenset[str]:
    counts = compute(query, [REGISTRY["ACT_STRUCTURES"]], by=Level.DEPARTEMENT)
    return frozenset(
        code for code, count in counts["ACT_STRUCTURES"].items() if count < SMALL_CELL_THRESHOLD
    )


def case_rows(query: Query, queryset=None) -> Iterator[list]:
    """Rows of the dataset, cells as ``CASE_COLUMNS`` says; ``queryset`` narrows
    ``case_queryset(query)`` (an API page)."""
    context = CaseContext(query.year, _small_departements(query))
    lookups = list(dict.fromkeys(column.lookup for column in CASE_COLUMNS if column.lookup))
    position = {lookup: index for index, lookup in enumerate(lookups)}
    plan = [(position.get(column.lookup), column.cell) for column in CASE_COLUMNS]
    cases = case_queryset(query) if queryset is None else queryset
    for row in cases.values_list(*lookups).iterator(chunk_size=2000):
        yield [
            row[index] if cell is None else cell(None if index is None else row[index], context)
            for index, cell in plan
        ]


def indicator_rows(query: Query) -> Iterator[list]:
    """Long format: one row per indicator, territory and category.

    Values come from the year's publication (``reporting.publication``): public figures,
    with the cells its disclosure control hides shown as « s », the same in every output.
    """
    names = TerritoryNames(query.using)
    published = publication.for_year(query.year, using=query.using)
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
    return [column.name for column in schema]


@dataclass
class Export:
    """What a file of a dataset holds: from the year's snapshot once frozen, else live."""

    dataset: str
    year: int
    headers: list[str]
    rows: Iterable
    schema: str
    # The snapshot's version (``None``: computed live, provisional).
    version: int | None

    @property
    def filename(self) -> str:
        return filename(self.dataset, self.year, self.version, self.schema)


def prepare(query: Query, dataset: str) -> Export:
    from . import snapshots

    snapshot = snapshots.frozen(query.year, using=query.using)
    version = snapshot.version if snapshot else None
    if dataset == "accompagnements" and snapshot is not None:
        frozen = snapshots.dataset_of(snapshot)
        return Export(
            dataset, query.year, frozen["columns"], frozen["rows"], frozen["schema"], version
        )
    rows = case_rows(query) if dataset == "accompagnements" else indicator_rows(query)
    return Export(dataset, query.year, columns(dataset), rows, SCHEMA_VERSION, version)


def rows(query: Query, dataset: str) -> Iterable:
    return prepare(query, dataset).rows


def filename(dataset: str, year: int, version: int | None, schema: str = SCHEMA_VERSION) -> str:
    """``dla-<jeu>-national-<année>-v<version>-schema-v<schéma>`` (``provisoire`` if live)."""
    edition = f"v{version}" if version else "provisoire"
    return f"dla-{dataset}-national-{year}-{edition}-schema-v{schema}"


def export_file(query: Query, dataset: str, fmt: str) -> bytes:
    return named_export_file(query, dataset, fmt)[0]


def named_export_file(query: Query, dataset: str, fmt: str) -> tuple[bytes, str]:
    """The file's content and its documented name (without extension)."""
    export = prepare(query, dataset)
    headers, data = export.headers, export.rows
    if fmt == "csv":
        content = b"".join(line.encode("utf-8") for line in tabular.csv_rows(headers, data))
    elif fmt == "xlsx":
        content = tabular.xlsx_bytes(headers, data, title=dataset)
    elif fmt == "ods":
        content = tabular.ods_bytes(headers, data, title=dataset)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return content, export.filename


def response(query: Query, dataset: str, fmt: str):
    """An attachment response; CSV streams row by row."""
    export = prepare(query, dataset)
    return tabular.export_response(fmt, export.filename, export.headers, export.rows)
