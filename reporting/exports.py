"""National yearly exports: an anonymised case-level dataset and the indicator tables.

Column schemas are versioned (docs/exports.md): a new column is only ever added
at the end and bumps the minor version; a test pins the column lists. Cells a
spreadsheet would read as a formula are neutralised by ``tabular``.
"""

import datetime
import functools
import hashlib
import hmac
import itertools
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, nullcontext
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, Case, Count, F, Q, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractQuarter, ExtractYear, RowNumber
from django.utils import timezone

import tabular
import tabular.write
from accompagnements.models import FollowUp, IngenierieKind, PlanAction, validated_q
from territoires import policy
from territoires.actors import SYSTEM

from . import anonymity, publication
from .indicators import (
    REGISTRY,
    SOURCES,
    Level,
    Query,
    Scope,
    TerritoryNames,
    category_label,
)
from .indicators.sources import ingenierie_started, records_as_of_year_end
from .indicators.structures import size_class
from .models import DatasetLine, DatasetStructure, MaintainedDataset

# 2.0: k-anonymity on the case-level dataset (bands and quarters instead of exact
# headcounts and months, generalised or left-out structures, pseudonyms per year).
SCHEMA_VERSION = "2.0"
DATASETS = {
    "accompagnements": "jeu de données anonymisé des accompagnements",
    "indicateurs": "tableaux des indicateurs",
}


class Characteristics(NamedTuple):
    """A structure as the dataset shows it: its record of 31 December, k-anonymised.

    A named tuple: one is made per structure of the year (9,000 at national scale),
    three times faster than a frozen dataclass."""

    identifiers: anonymity.QuasiIdentifiers
    in_qpv: bool
    in_zrr: bool
    is_network: bool
    fte_band: str
    cdi_share_band: str


@dataclass(frozen=True)
class Column:
    """A published column: its name and meaning (docs/exports.md)."""

    name: str
    description: str


# A new column goes at the end and bumps the schema's minor version; removing or changing
# one bumps the major version (docs/exports.md). ``case_rows`` writes the cells in this
# order (a test pins each cell against hand-worked rows).
CASE_COLUMNS = [
    Column("annee", "Année de référence de l'export."),
    Column("id_accompagnement",
           "Identifiant pseudonyme de l'accompagnement, propre à l'année de l'export."),
    Column("id_structure",
           "Identifiant pseudonyme de la structure, propre à l'année (repère ses "
           "accompagnements de l'année)."),
    Column("code_region",
           "Code INSEE de la région de la structure au 31 décembre ; « s » si masqué."),
    Column("code_departement",
           "Code INSEE du département de la structure au 31 décembre ; « s » si masqué."),
    Column("forme_juridique",
           "Forme juridique (code), ou son groupe (association, cooperatives, "
           "autres_formes) ; « s » si masquée."),
    Column("secteur", "Secteur d'activité (code) ; « s » si masqué."),
    Column("classe_taille",
           "Taille selon l'effectif salarié : 0, 1-9, 10-49, 50+ ; « s » si masquée."),
    Column("qpv", "Structure située en quartier prioritaire (oui/non)."),
    Column("zrr", "Structure située en ZRR ou zone rurale (oui/non)."),
    Column("tete_de_reseau", "Tête de réseau ou fédération (oui/non)."),
    Column("niveau_dla", "Niveau du DLA porteur : departemental ou regional."),
    Column("canal", "Origine de la demande (code)."),
    Column("phase", "Phase ou état de l'accompagnement à la date de l'export (code)."),
    Column("trimestre_ouverture", "Trimestre d'ouverture (AAAA-Tn)."),
    Column("trimestre_cloture",
           "Trimestre de clôture, de réorientation ou d'abandon (AAAA-Tn), vide si ouvert."),
    Column("nouvel_accompagnement", "Ouvert pendant l'année de référence (oui/non)."),
    Column("diagnostic_valide", "Diagnostic partagé validé par la structure (oui/non)."),
    Column("ingenieries_individuelles",
           "Nombre d'ingénieries individuelles démarrées dans l'année."),
    Column("ingenieries_collectives", "Nombre d'ingénieries collectives démarrées dans l'année."),
    Column("motif_reorientation", "Motif de réorientation (code), vide sinon."),
    Column("type_acteur_reorientation",
           "Type de l'acteur d'appui de destination (code), vide sinon."),
    Column("motif_abandon", "Motif d'abandon (code), vide sinon."),
    Column("tranche_etp",
           "Équivalents temps plein par tranche : 0, 0-1, 1-5, 5-10, 10-50, 50+."),
    Column("part_cdi",
           "Part des CDI parmi les CDI et CDD, par quart : 0-25, 25-50, 50-75, 75-100 ; vide "
           "sans salarié·e en CDI ou CDD."),
    Column("situation_dernier_suivi",
           "Situation relevée au dernier point de suivi (code), vide sinon."),
    Column("satisfaction_dernier_suivi",
           "Satisfaction au dernier point de suivi (1 à 4), vide sinon."),
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
    return pseudonyms(kind, year)(pk)


PSEUDONYM_LENGTH = 16


def pseudonyms(kind: str, year: int) -> Callable[[int], str]:
    """``pseudonym`` for many records of one kind and year: the key read once."""
    key = _keyed_hmac(settings.SECRET_KEY)  # the key's setup once, not per row
    prefix = _pseudonym_prefix(kind, year)

    def of(pk: int) -> str:
        keyed = key.copy()
        keyed.update(f"{prefix}{pk}".encode())
        return keyed.hexdigest()[:PSEUDONYM_LENGTH]

    return of


def _pseudonym_prefix(kind: str, year: int) -> str:
    return f"{kind}:{year}:"


@functools.lru_cache(maxsize=2)
def _keyed_hmac(secret: str) -> hmac.HMAC:
    return hmac.new(secret.encode(), digestmod=hashlib.sha256)


def pseudonym_sql(kind: str, year: int, pk_sql: str) -> tuple[str, list]:
    """``pseudonyms(kind, year)`` of the id ``pk_sql`` computed by PostgreSQL, and its
    parameters: HMAC-SHA256 as RFC 2104 defines it (what ``hmac`` computes), from the
    built-in ``sha256`` and the key's two pads computed here — no extension, and the
    secret itself never sent. A test holds both equal."""
    inner, outer = _hmac_pads(settings.SECRET_KEY)
    message = f"convert_to(%s || ({pk_sql})::text, 'UTF8')"
    sql = (
        f"substr(encode(sha256(%s::bytea || sha256(%s::bytea || {message})), 'hex'), "
        f"1, {PSEUDONYM_LENGTH})"
    )
    return sql, [outer, inner, _pseudonym_prefix(kind, year)]


@functools.lru_cache(maxsize=2)
def _hmac_pads(secret: str) -> tuple[bytes, bytes]:
    """RFC 2104's K XOR ipad and K XOR opad for SHA-256 (64-byte blocks)."""
    key = secret.encode()
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


# The case-level dataset is one SELECT a year, set-based: the year's cases (the
# "cases" source) joined to two derived tables — their ingénieries started in the
# year (counted) and their last follow-up (ranked) — and, before them in the same
# result, their structures' records of 31 December (ranked,
# ``structures_as_of_year_end``), one row per structure: the k-anonymity is decided on
# those, then the cases are written as they come, never held. Each piece is computed
# once for the whole year, never a sub-select per row; they are compiled by the ORM (so
# every rule keeps its one home and both database backends are served), then put
# together here.

# The cases' columns, in the order the SELECT gives them (after the row's kind; the
# derived tables' columns follow them: see ``_dataset_sql``).
_CASE_VALUES = (
    "pk",
    "structure_id",
    "dla__level",
    "channel",
    "state",
    "opened_year",
    "opened_quarter",
    "closed_year",
    "closed_quarter",
    "diagnostic_validated",
    "reorientation_reason",
    "reoriented_to__kind",
    "abandon_reason",
)
# Each structure's record of 31 December, as ``dataset_structures`` reads it.
_RECORD_VALUES = (
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


def case_queryset(query: Query):
    """The year's cases with the columns of their own row (joins, no sub-select)."""
    return (
        SOURCES["cases"]
        .queryset(query)
        .annotate(
            # The rule of Diagnostic.is_validated (validator and date), by the end of the
            # year; the diagnostic is one-to-one, so a join.
            diagnostic_validated=Case(
                When(
                    validated_q("diagnostic__") & Q(diagnostic__validated_on__lte=query.last_day),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
            opened_year=ExtractYear("opened_on"),
            opened_quarter=ExtractQuarter("opened_on"),
            closed_year=ExtractYear("closed_on"),
            closed_quarter=ExtractQuarter("closed_on"),
        )
        .order_by("pk")
    )


def _started_ingenieries(query: Query):
    """Per case, its plan actions on ingénieries started in the year, by kind."""
    return (
        PlanAction.objects.filter(ingenierie_started(query, "ingenierie__"))
        .order_by()
        .values("accompagnement_id")
        .annotate(
            individual=Count("pk", filter=Q(ingenierie__kind=IngenierieKind.INDIVIDUELLE)),
            collective=Count("pk", filter=Q(ingenierie__kind=IngenierieKind.COLLECTIVE)),
        )
        .values_list("accompagnement_id", "individual", "collective")
    )


def _last_followups(case_ids: Any):
    """Per case of ``case_ids``, its last follow-up (the latest date, then the latest
    recorded)."""
    latest_first = [F("checked_on").desc(), F("pk").desc()]
    return (
        FollowUp.objects.filter(accompagnement_id__in=case_ids)
        .alias(rank=Window(RowNumber(), partition_by=F("accompagnement_id"), order_by=latest_first))
        .filter(rank=1)
        .order_by()
        .values_list("accompagnement_id", "situation", "satisfaction")
    )


def _year_records(query: Query, structure_ids=None):
    return (
        records_as_of_year_end(query, structure_ids)
        .annotate(size=size_class())
        .values_list(*_RECORD_VALUES)
    )


# A row of the dataset's SELECT starts with its kind: a structure's record, or a case.
_RECORD_ROW, _CASE_ROW = 0, 1
# A case row: its kind, ``_CASE_VALUES``, two counts, the last follow-up's two fields.
_CASE_ROW_LENGTH = 1 + len(_CASE_VALUES) + 4
# A case row of the CSV's SELECT (``_line_cells``): its kind, id, structure's id and
# the three runs of its line around its structure's two (``_LINE_RUNS``).
_LINE_ROW_LENGTH = 6
_LINE_RUNS = slice(3, 6)


def _dataset_sql(
    query: Query, cases, records: bool = True, lines: bool = False
) -> tuple[str, tuple]:
    """The dataset's SELECT: ``cases`` (a queryset of ``case_queryset``) with their
    counts and last follow-up, in the order of their ids; with ``records``, their
    structures' records before them (``_RECORD_ROW`` rows: the kind, as many NULLs as a
    case row has cells, then ``_RECORD_VALUES``). With ``lines``, a case row holds its
    CSV text instead of its values (``_line_cells``).

    One SELECT rather than two: the year's cases are worked out once (a CTE read
    three times is computed once)."""
    connection = connections[query.using]
    qn = connection.ops.quote_name

    def compiled(queryset) -> tuple[str, tuple]:
        return queryset.query.get_compiler(connection=connection).as_sql()

    cte = qn("dataset_cases")
    case_ids = RawSQL(f"SELECT {qn('pk')} FROM {cte}", ())
    cases_sql, cases_params = compiled(cases.order_by().values_list(*_CASE_VALUES))
    counts_sql, counts_params = compiled(_started_ingenieries(query))
    followups_sql, followups_params = compiled(_last_followups(case_ids))
    if lines:
        case_columns, columns_params = _line_cells(query, qn)
        row_length = _LINE_ROW_LENGTH
    else:
        case_columns = ", ".join(f"c.{qn(name)}" for name in _CASE_VALUES) + (
            f", COALESCE(n.{qn('individual')}, 0), COALESCE(n.{qn('collective')}, 0), "
            f"f.{qn('situation')}, f.{qn('satisfaction')}"
        )
        columns_params, row_length = [], _CASE_ROW_LENGTH
    # With ``lines``, a record row ends with its structure's pseudonym.
    record_width = len(_RECORD_VALUES) + lines
    case_select = (
        f"SELECT {_CASE_ROW}, {case_columns}"
        f"{', NULL' * record_width if records else ''} "
        f"FROM {cte} c "
        f"LEFT JOIN ({counts_sql}) n ON n.{qn('accompagnement_id')} = c.{qn('pk')} "
        f"LEFT JOIN ({followups_sql}) f ON f.{qn('accompagnement_id')} = c.{qn('pk')}"
    )
    case_params = (*columns_params, *counts_params, *followups_params)
    if not records:
        sql = f"WITH {cte} AS ({cases_sql}) {case_select} ORDER BY 2"
        return sql, (*cases_params, *case_params)
    structure_ids = RawSQL(f"SELECT {qn('structure_id')} FROM {cte}", ())
    record_select, records_params = _records_sql(
        query, structure_ids, lines, prefix=f"{_RECORD_ROW}{', NULL' * (row_length - 1)}, "
    )
    # Records first (their kind sorts first), then the cases by id.
    sql = f"WITH {cte} AS ({cases_sql}) {record_select} UNION ALL {case_select} ORDER BY 1, 2"
    return sql, (*cases_params, *records_params, *case_params)


def _records_sql(
    query: Query, structure_ids: Any, lines: bool, prefix: str = ""
) -> tuple[str, tuple]:
    """The SELECT of the records of 31 December of ``structure_ids``: ``prefix``'s
    columns, ``_RECORD_VALUES``, with ``lines`` the structure's pseudonym."""
    connection = connections[query.using]
    qn = connection.ops.quote_name
    records = _year_records(query, structure_ids)
    records_sql, records_params = records.query.get_compiler(connection=connection).as_sql()
    columns = ", ".join(f"s.{qn(name)}" for name in _RECORD_VALUES)
    pseudonym_params: list = []
    if lines:
        pseudonym, pseudonym_params = pseudonym_sql("structure", query.year, f"s.{qn('id')}")
        columns += f", {pseudonym}"
    sql = f"SELECT {prefix}{columns} FROM ({records_sql}) s"
    return sql, (*pseudonym_params, *records_params)


def records_sql(query: Query, structure_ids: Any) -> tuple[str, tuple]:
    """The records SELECT of the CSV (``_RECORD_VALUES``, then the pseudonym) of
    ``structure_ids``: what ``reporting.datasets`` decides the texts it stores on
    (``structure_texts``, ``DatasetStructure``)."""
    return _records_sql(query, structure_ids, lines=True)


def maintained_lines_sql(query: Query) -> tuple[str, tuple]:
    """The SELECT of the year's case lines as ``DatasetLine`` keeps them (``case_id``,
    ``structure_id``, ``head``, ``own``, ``followup``): the dataset's own SELECT, its
    case rows only (``reporting.datasets`` stores them)."""
    sql, params = _dataset_sql(query, case_queryset(query), records=False, lines=True)
    return (
        "SELECT d.case_id, d.structure_id, d.head, d.own, d.followup "
        f"FROM ({sql}) AS d(kind, case_id, structure_id, head, own, followup)",
        params,
    )


def _line_cells(query: Query, qn: Callable[[str], str]) -> tuple[str, list]:
    """A case row's columns when PostgreSQL writes its CSV line (``case_csv_lines``):
    the case's id, its structure's, then the line's three runs of text around the
    structure's two (``_structure_texts``): the year and the case's pseudonym; the case's
    own cells (``_own_cells``); the last follow-up's (``_followup_cells``), with the
    line's end. Cells as ``tabular.csv_fields`` writes them; a test holds the lines equal
    to ``csv_rows(case_rows)``."""

    def c(name: str) -> str:
        return f"c.{qn(name)}"

    def text(expression: str) -> str:
        return tabular.csv_text_sql(f"COALESCE({expression}, '')")

    def yes_no(condition: str) -> str:
        return f"CASE WHEN {condition} THEN 'oui' ELSE 'non' END"

    def quarter(year: str, number: str) -> str:
        return f"{c(year)}::integer || '-T' || {c(number)}::integer"

    pseudonym, params = pseudonym_sql("accompagnement", query.year, c("pk"))
    head = f"%s || {pseudonym} || ';'"
    own = [
        text(c("dla__level")),
        text(c("channel")),
        text(c("state")),
        quarter("opened_year", "opened_quarter"),
        f"COALESCE({quarter('closed_year', 'closed_quarter')}, '')",
        yes_no(f"{c('opened_year')} = %s"),
        yes_no(c("diagnostic_validated")),
        f"COALESCE(n.{qn('individual')}, 0)",
        f"COALESCE(n.{qn('collective')}, 0)",
        text(c("reorientation_reason")),
        text(c("reoriented_to__kind")),
        text(c("abandon_reason")),
    ]
    followup = [text(f"f.{qn('situation')}"), f"COALESCE(f.{qn('satisfaction')}::text, '')"]
    columns = [
        c("pk"),
        c("structure_id"),
        head,
        "';' || " + " || ';' || ".join(own) + " || ';'",
        "';' || " + " || ';' || ".join(followup) + " || chr(13) || chr(10)",
    ]
    return ", ".join(columns), [f"{query.year};", *params, query.year]


def _selected(query: Query, sql: str, params: tuple) -> Iterator[tuple]:
    """The SELECT's rows, as they arrive: memory does not grow with the year (a plain
    cursor holds the whole result in the driver: 177 MB at three times the national
    data).

    On PostgreSQL, streamed in chunks of rows (libpq 17's chunked mode, ``stream``): the
    query runs as a COPY of it would, at its speed. A server-side cursor (``DECLARE``,
    then ``FETCH`` by batches) was 30 % slower for a year of the national data (237 ms
    against 183 ms, the COPY 182 ms). The connection is busy until the last row: nothing
    may query it meanwhile (the dataset's callers read everything else first). Logged
    as any query (DEBUG, ``CaptureQueriesContext``), its time being the whole stream's.
    """
    connection = connections[query.using]
    if connection.vendor != "postgresql":
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(2000):
                yield from chunk
        return
    from psycopg import capabilities

    size = 2000 if capabilities.has_stream_chunked() else 1
    with connection.cursor() as cursor:
        logged = (
            cursor.debug_sql(sql, params, use_last_executed_query=True)
            if connection.queries_logged
            else nullcontext()
        )
        with (
            logged,
            connection.wrap_database_errors,
            closing(cursor.cursor.stream(sql, params, size=size)) as rows,
        ):
            yield from rows


FTE_BANDS = [(0, "0"), (1, "0-1"), (5, "1-5"), (10, "5-10"), (50, "10-50")]


def fte_band(fte: Decimal) -> str:
    if fte == 0:
        return "0"
    for bound, label in FTE_BANDS[1:]:
        if fte < bound:
            return label
    return "50+"


def cdi_share_band(cdi: int, cdd: int) -> str:
    if cdi + cdd == 0:
        return ""
    quarter = min(int(4 * cdi / (cdi + cdd)), 3)
    return ["0-25", "25-50", "50-75", "75-100"][quarter]


def _characteristics(records: Iterable[Sequence]) -> tuple[dict[int, Characteristics], set[int]]:
    """k-anonymity over the year's structure records (rows of ``_RECORD_VALUES``)."""
    by_id = {row[0]: row[1:] for row in records}
    # One object per combination: most structures share theirs, and the recoding's
    # counts then find equal records by identity. Bands likewise, once per value.
    combinations: dict[tuple, anonymity.QuasiIdentifiers] = {}
    identifiers = {}
    for pk, record in by_id.items():
        combination = record[:5]
        shared = combinations.get(combination)
        if shared is None:
            shared = combinations[combination] = anonymity.QuasiIdentifiers(*combination)
        identifiers[pk] = shared
    recoding = anonymity.k_anonymise(identifiers)
    fte_bands: dict[Any, str] = {}
    cdi_bands: dict[tuple[int, int], str] = {}
    shown = {}
    for pk, published in recoding.published.items():
        *_, fte, cdi, cdd, qpv, zrr, network = by_id[pk]
        fte_label = fte_bands.get(fte)
        if fte_label is None:
            fte_label = fte_bands[fte] = fte_band(Decimal(fte))
        cdi_label = cdi_bands.get((cdi, cdd))
        if cdi_label is None:
            cdi_label = cdi_bands[cdi, cdd] = cdi_share_band(cdi, cdd)
        shown[pk] = Characteristics(
            published, bool(qpv), bool(zrr), bool(network), fte_label, cdi_label
        )
    return shown, recoding.suppressed


def dataset_structures(query: Query) -> tuple[dict[int, Characteristics], set[int]]:
    """The structures of the year's dataset as shown, and those left out (k-anonymity).

    Their records of 31 December (docs/statistics.md), in one query; the recoding is
    computed on the whole year, whatever part of the dataset is then read.
    """
    structure_ids = SOURCES["cases"].queryset(query).values("structure_id")
    return _characteristics(_year_records(query, structure_ids))


def dataset_queryset(query: Query, suppressed: set[int]):
    """The dataset's cases: those of structures the k-anonymity leaves in."""
    return case_queryset(query).exclude(structure_id__in=suppressed)


def _structure_runs(shape: Characteristics) -> tuple[tuple, tuple]:
    """A structure's cells of the row: those before the DLA's level, and the two bands
    (``CASE_COLUMNS``' order)."""
    q = shape.identifiers
    head = (
        q.region,
        q.departement,
        q.legal_form,
        q.sector,
        q.size_class,
        shape.in_qpv,
        shape.in_zrr,
        shape.is_network,
    )
    return head, (shape.fte_band, shape.cdi_share_band)


def _structure_cells(year: int, shown: dict[int, Characteristics]) -> dict[int, tuple]:
    """Per structure, its cells of the row, worked out once for all its cases: its
    pseudonym, then ``_structure_runs``."""
    structure_pseudonym = pseudonyms("structure", year)
    return {pk: (structure_pseudonym(pk), *_structure_runs(shape)) for pk, shape in shown.items()}


def structure_texts(records: Sequence[Sequence]) -> dict[int, tuple[str, str]]:
    """Per structure the k-anonymity shows, the two runs of CSV text a case line takes
    from it (``_structure_texts``), from the year's records (``_RECORD_VALUES``, then
    the structure's pseudonym: ``records_sql``)."""
    written = {record[0]: record[-1] for record in records}
    shown, _suppressed = _characteristics(record[:-1] for record in records)
    return _structure_texts(shown, written)


def _structure_texts(
    shown: dict[int, Characteristics], written: dict[int, str]
) -> dict[int, tuple]:
    """Per structure, the two runs of CSV text a case line takes from it: its pseudonym
    (``written``, computed by the database) and description, its bands. Each distinct
    description and each distinct pair of bands is written once: most structures share
    theirs (half the structures have a shape of their own, bands included; far fewer a
    description)."""
    heads: dict[tuple, str] = {}
    bands_texts: dict[tuple, str] = {}
    lines = {}
    for pk, shape in shown.items():
        head, bands = _structure_runs(shape)
        if (head_text := heads.get(head)) is None:
            head_text = heads[head] = tabular.csv_fields(head)
        if (bands_text := bands_texts.get(bands)) is None:
            bands_text = bands_texts[bands] = tabular.csv_fields(bands)
        # Pseudonyms are hexadecimal digits: nothing to quote or neutralise.
        lines[pk] = (f"{written[pk]};{head_text}", bands_text)
    return lines


# A case row of the SELECT (``_dataset_sql``): its id and structure's at these places,
# then the case's own cells (the DLA's level to the ingénieries' counts) and its last
# follow-up's two.
_CASE_PK, _CASE_STRUCTURE = 1, 2
_CASE_OWN = slice(3, 16)
_CASE_FOLLOWUP = slice(16, 18)


def _own_cells(year: int, own: tuple) -> tuple:
    """The case's cells from the DLA's level to the abandon reason, from ``_CASE_OWN``."""
    (
        level,
        channel,
        state,
        opened_year,
        opened_quarter,
        closed_year,
        closed_quarter,
        validated,
        reorientation,
        reoriented_kind,
        abandon,
        individual,
        collective,
    ) = own
    return (
        level,
        channel,
        state,
        f"{opened_year}-T{opened_quarter}",
        f"{closed_year}-T{closed_quarter}" if closed_year else "",
        opened_year == year,
        bool(validated),
        individual,
        collective,
        reorientation,
        reoriented_kind or "",
        abandon,
    )


def _followup_cells(followup: tuple) -> tuple:
    situation, satisfaction = followup
    return situation or "", satisfaction


def _dataset(
    query: Query, queryset, structures, lines: bool = False
) -> Iterator[tuple[tuple, tuple]]:
    """The SELECT's case rows, as they arrive, each with its structure's cells
    (``_structure_cells``; with ``lines``, their CSV texts, ``_structure_texts``). A case
    whose structure is left out by the k-anonymity (or, against the register's rule, has
    no record in its history: nothing to describe it with) is left out."""
    cases = case_queryset(query) if queryset is None else queryset
    try:
        sql, params = _dataset_sql(query, cases, records=structures is None, lines=lines)
    except EmptyResultSet:  # an empty page of the API
        return
    selected: Iterator[tuple] = _selected(query, sql, params)
    if structures is None:
        records: list[tuple] = []
        first_case = None
        record_start = _LINE_ROW_LENGTH if lines else _CASE_ROW_LENGTH
        for row in selected:
            if row[0] != _RECORD_ROW:
                first_case = row
                break
            records.append(row[record_start:])
        if first_case is not None:
            selected = itertools.chain([first_case], selected)
        if lines:
            # Each record ends with its structure's pseudonym (``_dataset_sql``).
            structures_cells = structure_texts(records)
        else:
            structures_cells = _structure_cells(query.year, _characteristics(records)[0])
    else:
        structures_cells = _structure_cells(query.year, structures[0])
    for row in selected:
        structure = structures_cells.get(row[_CASE_STRUCTURE])
        if structure is not None:
            yield row, structure


def case_rows(query: Query, queryset=None, structures=None) -> Iterator[list]:
    """Rows of the dataset, cells in ``CASE_COLUMNS``' order; ``queryset`` narrows
    ``dataset_queryset`` (an API page) and ``structures`` is ``dataset_structures``'s
    answer when the caller already has it.

    The whole dataset is one SELECT: the structures' records come first and the
    k-anonymity is decided on them; the cases that follow are written as they are read,
    so memory does not grow with the year.
    """
    year = query.year
    case_pseudonym = pseudonyms("accompagnement", year)
    for row, (structure_pseudonym, head, bands) in _dataset(query, queryset, structures):
        yield [
            year,
            case_pseudonym(row[_CASE_PK]),
            structure_pseudonym,
            *head,
            *_own_cells(year, row[_CASE_OWN]),
            *bands,
            *_followup_cells(row[_CASE_FOLLOWUP]),
        ]


def case_csv_lines(query: Query, maintained: bool = True) -> Iterator[str]:
    """The dataset as CSV: the text of ``tabular.csv_rows(columns("accompagnements"),
    case_rows(query))`` (a test holds them equal).

    On PostgreSQL the database writes each case's cells as text in the dataset's SELECT
    (``_line_cells``, its pseudonym included: ``pseudonym_sql``) and a line is its three
    runs joined with its structure's two, written once per structure: Python no longer
    decodes, builds and writes 27 cells per case, which held the export at half its
    COPY speed (docs/benchmarks.md). Elsewhere (SQLite), ``case_rows`` written by
    ``csv_rows``.

    While the year's maintained lines are current (``reporting.datasets``; not with
    ``maintained=False``), the file is read from them (``_maintained_lines``).
    """
    if connections[query.using].vendor != "postgresql":
        yield from tabular.csv_rows(columns("accompagnements"), case_rows(query))
        return
    yield tabular.csv_header(columns("accompagnements"))
    if maintained and current(query):
        yield from _maintained_lines(query)
        return
    for row, (described, bands) in _dataset(query, None, None, lines=True):
        head, own, followup = row[_LINE_RUNS]
        yield f"{head}{described}{own}{bands}{followup}"


# -- Maintained lines (``reporting.datasets`` stores them; read here while current) --------


@functools.cache
def _code_digest() -> str:
    """The source of the Python that turns a year's records into the structures' texts
    (the k-anonymity, the bands, the CSV writing): a deployment that changes it makes
    stored texts not current."""
    digest = hashlib.sha256()
    for module in (anonymity, sys.modules[__name__], tabular.write):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


def fingerprint(year: int, using: str) -> str:
    """What writes ``year``'s maintained lines and texts: the SELECTs of its cases' runs
    and of its structures' records with their parameters (the cells' code, the year, the
    pseudonyms' key), the k-anonymity's k and the code that applies it. Stored lines
    written by another are not current."""
    return _fingerprint(year, using, settings.SECRET_KEY, anonymity.K)


@functools.lru_cache(maxsize=64)
def _fingerprint(year: int, using: str, secret: str, k: int) -> str:
    # Compiling the two SELECTs costs ~5 ms; within a process only the key and k can
    # change what they are (the code cannot), so they are part of the cache's key.
    query = Query(year, Scope.national(), SYSTEM, using=using)
    structure_ids = DatasetLine.objects.using(using).filter(year=year).values("structure_id")
    parts = (maintained_lines_sql(query), records_sql(query, structure_ids), k, _code_digest())
    return hashlib.sha256(repr(parts).encode()).hexdigest()


# Maintained lines older than this are not read (``max_age``); the refresh recomputes
# them after half of it.
DEFAULT_MAX_AGE = 3600


def max_age() -> int:
    """Seconds after which the export no longer reads a year's maintained lines, whatever
    their marks: what a mark lost with a crashed process, or a write no hook sees (a data
    migration, raw SQL), can cost."""
    return getattr(settings, "REPORTING_DATASET_MAX_AGE_SECONDS", DEFAULT_MAX_AGE)


def current(query: Query) -> bool:
    """The year's maintained lines are what the export would compute now (one query):
    computed from the latest generation, less than ``max_age()`` ago, with the
    same ``fingerprint``; for the national file, read by a viewer of every case."""
    if (
        connections[query.using].vendor != "postgresql"
        or query.scope.level != Level.NATIONAL
        or not policy.reads_everything(query.viewer)
    ):
        return False
    row = (
        MaintainedDataset.objects.using(query.using)
        .filter(year=query.year)
        .values_list("generation", "computed_generation", "fingerprint", "computed_at")
        .first()
    )
    if row is None:
        return False
    return lines_current(query.year, *row, using=query.using, age=max_age())


def lines_current(
    year: int,
    generation: int,
    computed: int | None,
    stored: str,
    computed_at: datetime.datetime | None,
    *,
    using: str,
    age: float,
) -> bool:
    """A year's maintained lines (``MaintainedDataset``'s columns) were computed from its
    latest generation, less than ``age`` seconds ago, with the current ``fingerprint``."""
    oldest = timezone.now() - datetime.timedelta(seconds=age)
    return (
        computed == generation
        and computed_at is not None
        and computed_at >= oldest
        and stored == fingerprint(year, using)
    )


def _maintained_lines(query: Query) -> Iterator[str]:
    """The year's lines put together by the database from its cases' maintained runs
    (``DatasetLine``) and their structures' texts (``DatasetStructure``), in the order
    of the cases' ids: a case whose structure the k-anonymity leaves out has no texts,
    and no line (the join)."""
    qn = connections[query.using].ops.quote_name
    line = qn(DatasetLine._meta.db_table)
    structure = qn(DatasetStructure._meta.db_table)
    year, structure_id = qn("year"), qn("structure_id")
    sql = (
        f"SELECT l.{qn('head')} || s.{qn('described')} || l.{qn('own')} || s.{qn('bands')} "
        f"|| l.{qn('followup')} FROM {line} l JOIN {structure} s "
        f"ON s.{year} = l.{year} AND s.{structure_id} = l.{structure_id} "
        f"WHERE l.{year} = %s ORDER BY l.{qn('case_id')}"
    )
    for (text,) in _selected(query, sql, (query.year,)):
        yield text


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
    # The CSV file's lines when the dataset writes them itself (``case_csv_lines``).
    lines: Iterable[str] | None = None

    @property
    def filename(self) -> str:
        return filename(self.dataset, self.year, self.version, self.schema)

    def csv_lines(self) -> Iterable[str]:
        return self.lines if self.lines is not None else tabular.csv_rows(self.headers, self.rows)


def prepare(query: Query, dataset: str) -> Export:
    from . import snapshots

    snapshot = snapshots.frozen(query.year, using=query.using)
    version = snapshot.version if snapshot else None
    if dataset == "accompagnements" and snapshot is not None:
        frozen = snapshots.dataset_of(snapshot)
        return Export(
            dataset, query.year, frozen["columns"], frozen["rows"], frozen["schema"], version
        )
    if dataset == "accompagnements":
        return Export(
            dataset,
            query.year,
            columns(dataset),
            case_rows(query),
            SCHEMA_VERSION,
            version,
            lines=case_csv_lines(query),
        )
    rows = indicator_rows(query)
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
        content = b"".join(line.encode("utf-8") for line in export.csv_lines())
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
    return tabular.export_response(
        fmt, export.filename, export.headers, export.rows, csv_lines=export.csv_lines()
    )
