"""National yearly exports: an anonymised case-level dataset and the indicator tables.

Column schemas are versioned (docs/exports.md): a new column is only ever added
at the end and bumps the minor version; a test pins the column lists. Cells a
spreadsheet would read as a formula are neutralised by ``tabular``.
"""

import functools
import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Subquery

import tabular
from accompagnements.models import Diagnostic, FollowUp, IngenierieKind, PlanAction, validated_q

from . import anonymity, publication
from .indicators import (
    REGISTRY,
    SOURCES,
    Level,
    Query,
    TerritoryNames,
    category_label,
)
from .indicators.sources import ingenierie_started, structures_as_of_year_end
from .indicators.structures import size_class

# 2.0: k-anonymity on the case-level dataset (bands and quarters instead of exact
# headcounts and months, generalised or left-out structures, pseudonyms per year).
SCHEMA_VERSION = "2.0"
DATASETS = {
    "accompagnements": "jeu de données anonymisé des accompagnements",
    "indicateurs": "tableaux des indicateurs",
}


@dataclass(frozen=True)
class Characteristics:
    """A structure as the dataset shows it: its record of 31 December, k-anonymised."""

    identifiers: anonymity.QuasiIdentifiers
    in_qpv: bool
    in_zrr: bool
    is_network: bool
    fte_band: str
    cdi_share_band: str


@dataclass(frozen=True)
class CaseContext:
    """What a row's cells need beyond the row itself."""

    year: int
    # Structure id → what the dataset shows of it (``dataset_structures``).
    structures: dict[int, Characteristics]

    def structure(self, pk: int) -> Characteristics:
        return self.structures[pk]


@dataclass(frozen=True)
class Column:
    """A published column: its name and meaning (docs/exports.md) and, for the case-level
    dataset, the value of ``case_queryset`` it shows (``lookup``) and how (``cell``)."""

    name: str
    description: str
    lookup: str = ""
    # The cell from the looked-up value (None when there is no lookup); as is when unset.
    cell: Callable[[Any, CaseContext], Any] | None = None


def _quarter(value, _context=None) -> str:
    return f"{value.year}-T{(value.month - 1) // 3 + 1}" if value else ""


def _zero_if_none(value, _context) -> int:
    return value or 0


def _blank_if_none(value, _context) -> str:
    return value or ""


def _identifier(name: str) -> Callable[[Any, CaseContext], Any]:
    return lambda pk, context: getattr(context.structure(pk).identifiers, name)


def _trait(name: str) -> Callable[[Any, CaseContext], Any]:
    return lambda pk, context: getattr(context.structure(pk), name)


# A new column goes at the end and bumps the schema's minor version; removing or changing
# one bumps the major version (docs/exports.md).
CASE_COLUMNS = [
    Column("annee", "Année de référence de l'export.", cell=lambda _, c: c.year),
    Column("id_accompagnement",
           "Identifiant pseudonyme de l'accompagnement, propre à l'année de l'export.",
           "pk", lambda pk, c: pseudonym("accompagnement", pk, c.year)),
    Column("id_structure",
           "Identifiant pseudonyme de la structure, propre à l'année (repère ses "
           "accompagnements de l'année).",
           "structure_id", lambda pk, c: pseudonym("structure", pk, c.year)),
    Column("code_region",
           "Code INSEE de la région de la structure au 31 décembre ; « s » si masqué.",
           "structure_id", _identifier("region")),
    Column("code_departement",
           "Code INSEE du département de la structure au 31 décembre ; « s » si masqué.",
           "structure_id", _identifier("departement")),
    Column("forme_juridique",
           "Forme juridique (code), ou son groupe (association, cooperatives, "
           "autres_formes) ; « s » si masquée.",
           "structure_id", _identifier("legal_form")),
    Column("secteur", "Secteur d'activité (code) ; « s » si masqué.",
           "structure_id", _identifier("sector")),
    Column("classe_taille",
           "Taille selon l'effectif salarié : 0, 1-9, 10-49, 50+ ; « s » si masquée.",
           "structure_id", _identifier("size_class")),
    Column("qpv", "Structure située en quartier prioritaire (oui/non).",
           "structure_id", _trait("in_qpv")),
    Column("zrr", "Structure située en ZRR ou zone rurale (oui/non).",
           "structure_id", _trait("in_zrr")),
    Column("tete_de_reseau", "Tête de réseau ou fédération (oui/non).",
           "structure_id", _trait("is_network")),
    Column("niveau_dla", "Niveau du DLA porteur : departemental ou regional.", "dla__level"),
    Column("canal", "Origine de la demande (code).", "channel"),
    Column("phase", "Phase ou état de l'accompagnement à la date de l'export (code).", "state"),
    Column("trimestre_ouverture", "Trimestre d'ouverture (AAAA-Tn).", "opened_on", _quarter),
    Column("trimestre_cloture",
           "Trimestre de clôture, de réorientation ou d'abandon (AAAA-Tn), vide si ouvert.",
           "closed_on", _quarter),
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
    Column("tranche_etp",
           "Équivalents temps plein par tranche : 0, 0-1, 1-5, 5-10, 10-50, 50+.",
           "structure_id", _trait("fte_band")),
    Column("part_cdi",
           "Part des CDI parmi les CDI et CDD, par quart : 0-25, 25-50, 50-75, 75-100 ; vide "
           "sans salarié·e en CDI ou CDD.",
           "structure_id", _trait("cdi_share_band")),
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


def pseudonym(kind: str, pk: int, year: int) -> str:
    """An identifier that cannot be traced back to the record without the secret key.

    Keyed by year: the datasets of two years cannot be joined on it, which would undo
    the generalisations of one year with the details of another.
    """
    keyed = _keyed_hmac(settings.SECRET_KEY).copy()  # the key's setup once, not per row
    keyed.update(f"{kind}:{year}:{pk}".encode())
    return keyed.hexdigest()[:16]


@functools.lru_cache(maxsize=2)
def _keyed_hmac(secret: str) -> hmac.HMAC:
    return hmac.new(secret.encode(), digestmod=hashlib.sha256)


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


FTE_BANDS = [(0, "0"), (1, "0-1"), (5, "1-5"), (10, "5-10"), (50, "10-50")]


def fte_band(fte: Decimal) -> str:
    if fte == 0:
        return "0"
    return next((label for bound, label in FTE_BANDS[1:] if fte < bound), "50+")


def cdi_share_band(cdi: int, cdd: int) -> str:
    if cdi + cdd == 0:
        return ""
    quarter = min(int(4 * cdi / (cdi + cdd)), 3)
    return ["0-25", "25-50", "50-75", "75-100"][quarter]


def dataset_structures(query: Query) -> tuple[dict[int, Characteristics], set[int]]:
    """The structures of the year's dataset as shown, and those left out (k-anonymity).

    Their records of 31 December (docs/statistics.md), in one query; the recoding is
    computed on the whole year, whatever part of the dataset is then read.
    """
    # The ids first, as a list: given as a subquery, PostgreSQL re-evaluated the year's
    # case filter for every history row (6 s a year on the national data set).
    ids = sorted(
        set(SOURCES["cases"].queryset(query).order_by().values_list("structure_id", flat=True))
    )
    records = {
        row[0]: row[1:]
        for row in structures_as_of_year_end(query, ids)
        .annotate(size=size_class())
        .values_list(
            "id",
            "region__code",
            "departement__code",
            "legal_form",
            "sector",
            "size",
            "fte",
            "cdi_count",
            "cdd_count",
            "in_qpv",
            "in_zrr",
            "is_network",
        )
    }
    identifiers = {
        pk: anonymity.QuasiIdentifiers(region, departement, form, sector, size)
        for pk, (region, departement, form, sector, size, *_) in records.items()
    }
    recoding = anonymity.k_anonymise(identifiers)
    shown = {}
    for pk, published in recoding.published.items():
        *_, fte, cdi, cdd, qpv, zrr, network = records[pk]
        shown[pk] = Characteristics(
            published, qpv, zrr, network, fte_band(fte), cdi_share_band(cdi, cdd)
        )
    return shown, recoding.suppressed


def dataset_queryset(query: Query, suppressed: set[int]):
    """The dataset's cases: those of structures the k-anonymity leaves in."""
    return case_queryset(query).exclude(structure_id__in=suppressed)


def case_rows(query: Query, queryset=None, structures=None) -> Iterator[list]:
    """Rows of the dataset, cells as ``CASE_COLUMNS`` says; ``queryset`` narrows
    ``dataset_queryset`` (an API page) and ``structures`` is ``dataset_structures``'s
    answer when the caller already has it."""
    shown, suppressed = structures or dataset_structures(query)
    context = CaseContext(query.year, shown)
    lookups = list(dict.fromkeys(column.lookup for column in CASE_COLUMNS if column.lookup))
    position = {lookup: index for index, lookup in enumerate(lookups)}
    plan = [(position.get(column.lookup), column.cell) for column in CASE_COLUMNS]
    cases = dataset_queryset(query, suppressed) if queryset is None else queryset
    structure = position["structure_id"]
    for row in cases.values_list(*lookups).iterator(chunk_size=2000):
        if row[structure] not in shown:
            # Left out by the k-anonymity (or, against the register's rule, with no
            # record in its history: nothing to describe it with).
            continue
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
