"""Spreadsheet import of structures: parse, plan (validate every row), then apply.

All or nothing: ``plan_import`` reads the whole file and reports every bad row
(line, column, reason in French); ``apply_import`` writes only a plan without
errors, in one transaction. Rows are matched to existing structures by SIRET,
then by RNA, so importing the same file twice updates instead of duplicating.

Shared by the ``import_structures`` command and the web import.
"""

import decimal
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from dla_suivi.spreadsheets import SpreadsheetError, read_table
from territoires.models import Departement
from territoires.postal import departement_code_from_postal_code

from .duplicates import Candidate, DuplicateIndex
from .models import (
    LegalForm,
    Sector,
    SiaeType,
    Structure,
    departements_open_to_new_structures,
)
from .text import normalize
from .validation import (
    check_contracts,
    check_postal_code_in_departement,
    clean_postal_code,
    clean_rna,
    clean_siret,
)

CHUNK = 2000


# --- Cell parsers: text in, value out, ValidationError with a French message ---------


def _text(max_length: int, required: bool = False) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = " ".join(value.split())
        if required and not value:
            raise ValidationError("Valeur obligatoire.")
        if len(value) > max_length:
            raise ValidationError(f"{max_length} caractères au plus ({len(value)} saisis).")
        return value

    return parse


def _choice(choices: type, required: bool) -> Callable[[str], str]:
    accepted = {}
    for value, label in choices.choices:
        accepted[normalize(value)] = value
        accepted[normalize(label)] = value
    listing = ", ".join(str(label) for _, label in choices.choices)

    def parse(value: str) -> str:
        if not value.strip():
            if required:
                raise ValidationError(f"Valeur obligatoire, parmi : {listing}.")
            return ""
        try:
            return accepted[normalize(value)]
        except KeyError:
            raise ValidationError(
                f"« {value} » n'est pas reconnu ; valeurs possibles : {listing}."
            ) from None

    return parse


_TRUE = {"oui", "o", "vrai", "true", "1", "x", "yes", "y"}
_FALSE = {"non", "n", "faux", "false", "0", "no", ""}


def _boolean(value: str) -> bool:
    key = normalize(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValidationError(f"« {value} » n'est pas reconnu ; indiquez oui ou non.")


_NUMBER_NOISE = re.compile(r"[\s\u00a0\u202f€]")


def _integer(minimum: int = 0, maximum: int = 10**12, null: bool = False):
    def parse(value: str):
        compact = _NUMBER_NOISE.sub("", value).replace(",", ".")
        if not compact:
            return None if null else 0
        try:
            number = decimal.Decimal(compact)
        except decimal.InvalidOperation:
            raise ValidationError(f"« {value} » n'est pas un nombre entier.") from None
        if not number.is_finite() or number != number.to_integral_value():
            raise ValidationError(f"« {value} » n'est pas un nombre entier.")
        if not minimum <= number <= maximum:
            raise ValidationError(f"Nombre attendu entre {minimum} et {maximum}.")
        return int(number)

    return parse


def _decimal(value: str) -> decimal.Decimal:
    compact = _NUMBER_NOISE.sub("", value).replace(",", ".")
    if not compact:
        return decimal.Decimal(0)
    try:
        number = decimal.Decimal(compact)
    except decimal.InvalidOperation:
        raise ValidationError(f"« {value} » n'est pas un nombre.") from None
    if not number.is_finite() or not 0 <= number < 10**6:
        raise ValidationError("Nombre attendu entre 0 et 999 999,99.")
    return number.quantize(decimal.Decimal("0.01"))


def _siret(value: str) -> str:
    compact = _NUMBER_NOISE.sub("", value)
    if compact.isdigit() and len(compact) == 13:
        compact = "0" + compact  # a spreadsheet dropped the leading zero
    return clean_siret(compact)


def _postal_code(value: str) -> str:
    compact = _NUMBER_NOISE.sub("", value)
    if compact.isdigit() and len(compact) == 4:
        compact = "0" + compact  # a spreadsheet dropped the leading zero
    if not compact:
        raise ValidationError("Valeur obligatoire.")
    return clean_postal_code(compact)


def _departement_text(value: str) -> str:
    return value.strip()


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: Callable[[str], object]
    required: bool = False
    help: str = ""
    aliases: tuple[str, ...] = ()


COLUMNS = [
    Column(
        "Nom", "name", _text(255, required=True), True, "Nom de la structure", ("raison sociale",)
    ),
    Column("SIRET", "siret", _siret, help="14 chiffres ; SIRET ou RNA obligatoire"),
    Column("RNA", "rna", clean_rna, help="W + 9 chiffres, pour les associations"),
    Column("Forme juridique", "legal_form", _choice(LegalForm, True), True, "ex. association"),
    Column("Secteur", "sector", _choice(Sector, True), True, "ex. culture"),
    Column("Adresse", "address", _text(255)),
    Column("Code postal", "postal_code", _postal_code, True, "5 chiffres"),
    Column("Commune", "commune", _text(100, required=True), True),
    Column(
        "Département", "departement", _departement_text, help="Code ; déduit du code postal si vide"
    ),
    Column("QPV", "in_qpv", _boolean, help="oui / non"),
    Column("ZRR", "in_zrr", _boolean, help="oui / non"),
    Column("Effectif salarié", "headcount", _integer(0, 10**6), aliases=("effectif",)),
    Column("ETP", "fte", _decimal, aliases=("equivalents temps plein",)),
    Column("CDI", "cdi_count", _integer(0, 10**6), aliases=("salaries en cdi",)),
    Column("CDD", "cdd_count", _integer(0, 10**6), aliases=("salaries en cdd",)),
    Column("Budget annuel (€)", "budget", _integer(0, 10**12, null=True), aliases=("budget",)),
    Column(
        "Année de création",
        "year_founded",
        _integer(1800, 2100, null=True),
        aliases=("annee",),
    ),
    Column("Agrément ESUS", "is_esus", _boolean, help="oui / non", aliases=("esus",)),
    Column("Type de SIAE", "siae_type", _choice(SiaeType, False), help="ACI, AI, EI, ETTI, EITI"),
    Column("Entreprise adaptée", "is_entreprise_adaptee", _boolean, help="oui / non"),
    Column(
        "Tête de réseau",
        "is_network",
        _boolean,
        help="oui / non",
        aliases=("tete de reseau ou federation",),
    ),
]
FIELDS = [c.field for c in COLUMNS]
HEADERS = {c.field: c.header for c in COLUMNS}
_BY_KEY = {}
for _column in COLUMNS:
    for _name in (_column.header, _column.field, *_column.aliases):
        _BY_KEY[normalize(_name)] = _column


# --- Plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        where = f"ligne {self.line}" if self.line else "fichier"
        if self.column:
            where += f", colonne « {self.column} »"
        return f"{where} : {self.message}"


@dataclass
class PlannedRow:
    line: int
    action: str  # "create", "update" or "unchanged"
    structure: Structure
    changed: list[str] = field(default_factory=list)
    duplicates: list[Candidate] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def warnings(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.duplicates]


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int


def plan_import(data: bytes, filename: str, user=None) -> ImportPlan:
    """Read and validate the whole file. ``user=None`` is the command line: no scope limit."""
    plan = ImportPlan()
    try:
        table = read_table(data, filename)
    except SpreadsheetError as error:
        plan.errors.append(RowError(0, "", str(error)))
        return plan

    columns: list[Column | None] = []
    seen = {}
    for header in table.headers:
        column = _BY_KEY.get(normalize(header))
        if column is None or column.field in seen:
            if header:
                plan.ignored_columns.append(header)
            columns.append(None)
            continue
        seen[column.field] = header
        columns.append(column)
    missing = [c.header for c in COLUMNS if c.required and c.field not in seen]
    if missing:
        plan.errors.append(
            RowError(0, "", "Colonnes obligatoires absentes : " + ", ".join(missing) + ".")
        )
        return plan
    if not table.rows:
        plan.errors.append(RowError(0, "", "Le fichier ne contient aucune ligne de données."))
        return plan

    parsed = []
    departements = {d.code: d for d in Departement.objects.all()}
    departement_by_name = {normalize(d.name): d for d in departements.values()}
    for line, cells in table.rows:
        values, errors = _parse_row(line, cells, columns, seen, departements, departement_by_name)
        plan.errors.extend(errors)
        parsed.append((line, values, bool(errors)))

    _match_and_check(plan, parsed, seen, user)
    return plan


def _parse_row(line, cells, columns, seen, departements, departement_by_name):
    values, errors = {}, []
    for index, column in enumerate(columns):
        if column is None:
            continue
        raw = cells[index] if index < len(cells) else ""
        try:
            values[column.field] = column.parse(raw)
        except ValidationError as error:
            errors.extend(RowError(line, seen[column.field], m) for m in error.messages)
    if errors:
        return values, errors
    if not values.get("siret") and not values.get("rna"):
        errors.append(
            RowError(
                line,
                seen.get("siret", "SIRET"),
                "Indiquez le SIRET ou, pour une association, le numéro RNA : ils servent à "
                "reconnaître la structure lors d'un nouvel import.",
            )
        )
    code = values.get("departement") or departement_code_from_postal_code(values["postal_code"])
    departement = departements.get(code.zfill(2) if code.isdigit() else code.upper())
    departement = departement or departement_by_name.get(normalize(code))
    if departement is None and " " in code:
        # "35 Ille-et-Vilaine" or "35 - Ille-et-Vilaine".
        departement = departements.get(code.split()[0].upper())
    if departement is None:
        errors.append(
            RowError(
                line, seen.get("departement", "Département"), f"Département « {code} » inconnu."
            )
        )
    else:
        values["departement"] = departement
        try:
            check_postal_code_in_departement(values["postal_code"], departement.code)
        except ValidationError as error:
            errors.append(RowError(line, seen["postal_code"], error.messages[0]))
    try:
        check_contracts(
            values.get("headcount", 0), values.get("cdi_count", 0), values.get("cdd_count", 0)
        )
    except ValidationError as error:
        errors.append(RowError(line, seen.get("headcount", "Effectif salarié"), error.messages[0]))
    return values, errors


def _chunks(items):
    items = list(items)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _match_and_check(plan, parsed, seen, user):
    good = [(line, values) for line, values, bad in parsed if not bad]
    sirets = {v["siret"] for _, v in good if v.get("siret")}
    rnas = {v["rna"] for _, v in good if v.get("rna")}
    by_siret, by_rna = {}, defaultdict(list)
    for chunk in _chunks(sirets):
        for structure in Structure.objects.filter(siret__in=chunk):
            by_siret[structure.siret] = structure
    for chunk in _chunks(rnas):
        for structure in Structure.objects.filter(rna__in=chunk):
            by_rna[structure.rna].append(structure)

    matches = {}
    first_line_of = {}
    line_of_structure = {}
    for line, values in good:
        siret, rna = values.get("siret", ""), values.get("rna", "")
        key = ("siret", siret) if siret else ("rna", rna)
        if key in first_line_of:
            plan.errors.append(
                RowError(
                    line,
                    seen.get(key[0], key[0].upper()),
                    f"Déjà présent ligne {first_line_of[key]} du fichier.",
                )
            )
            continue
        first_line_of[key] = line
        existing = by_siret.get(siret) if siret else None
        if existing is None and rna:
            candidates = [s for s in by_rna.get(rna, []) if not s.siret or not siret]
            if len(candidates) > 1:
                plan.errors.append(
                    RowError(
                        line,
                        seen.get("rna", "RNA"),
                        "Plusieurs structures ont ce numéro RNA : indiquez le SIRET.",
                    )
                )
                continue
            existing = candidates[0] if candidates else None
        if existing is not None:
            if existing.pk in line_of_structure:
                plan.errors.append(
                    RowError(
                        line,
                        seen.get(key[0], key[0].upper()),
                        f"Cette ligne désigne la même structure que la ligne "
                        f"{line_of_structure[existing.pk]}.",
                    )
                )
                continue
            line_of_structure[existing.pk] = line
        matches[line] = existing

    matched_pks = {s.pk for s in matches.values() if s is not None}
    if user is None:
        visible = editable = matched_pks
        creatable = None
    else:
        visible, editable = set(), set()
        for chunk in _chunks(matched_pks):
            visible |= set(
                Structure.objects.visible_to(user).filter(pk__in=chunk).values_list("pk", flat=True)
            )
            editable |= set(
                Structure.objects.editable_by(user)
                .filter(pk__in=chunk)
                .values_list("pk", flat=True)
            )
        creatable = set(departements_open_to_new_structures(user).values_list("pk", flat=True))

    creations = [(line, v) for line, v in good if line in matches and matches[line] is None]
    index = DuplicateIndex(
        {v["departement"].pk for _, v in creations},
        {v["siret"][:9] for _, v in creations if v.get("siret")},
    )
    region_by_departement = dict(Departement.objects.values_list("pk", "region_id"))

    for line, values in good:
        if line not in matches:
            continue
        existing = matches[line]
        if existing is None:
            if creatable is not None and values["departement"].pk not in creatable:
                plan.errors.append(
                    RowError(
                        line,
                        seen.get("departement") or seen["postal_code"],
                        f"Vous ne pouvez pas enregistrer de structure dans le département "
                        f"{values['departement']}.",
                    )
                )
                continue
            structure = Structure(**values)
            structure.set_derived_fields(region_by_departement)
            duplicates = index.find(
                name=structure.name,
                siret=structure.siret,
                commune=structure.commune,
                departement_id=structure.departement_id,
            )
            index.add_pending(line, structure)
            plan.rows.append(PlannedRow(line, "create", structure, duplicates=duplicates))
            continue
        if existing.pk not in editable:
            column = seen.get("siret") if values.get("siret") else seen.get("rna")
            if existing.pk in visible:
                message = (
                    f"La structure « {existing.name} » existe déjà et vous ne pouvez pas "
                    "la modifier."
                )
            else:
                message = (
                    "Cette structure existe déjà, hors de votre territoire : "
                    "contactez le DLA concerné."
                )
            plan.errors.append(RowError(line, column or "", message))
            continue
        if not values.get("siret"):
            values.pop("siret", None)  # a blank SIRET never erases a known one
        if (
            creatable is not None
            and values["departement"].pk != existing.departement_id
            and values["departement"].pk not in creatable
        ):
            plan.errors.append(
                RowError(
                    line,
                    seen.get("departement") or seen["postal_code"],
                    f"Vous ne pouvez pas déplacer la structure dans le département "
                    f"{values['departement']}.",
                )
            )
            continue
        changed = [
            name
            for name, value in values.items()
            if _current(existing, name) != (value.pk if name == "departement" else value)
        ]
        for name in changed:
            setattr(existing, name, values[name])
        existing.set_derived_fields(region_by_departement)
        plan.rows.append(
            PlannedRow(
                line,
                "update" if changed else "unchanged",
                existing,
                changed=[HEADERS[name] for name in changed],
            )
        )


def _current(structure, name):
    if name == "departement":
        return structure.departement_id
    return getattr(structure, name)


@transaction.atomic
def apply_import(plan: ImportPlan, user=None) -> ImportResult:
    """Write a valid plan in one transaction; raises ValueError on an invalid plan."""
    if not plan.is_valid:
        raise ValueError("an import plan with errors cannot be applied")
    now = timezone.now()
    creates = [row.structure for row in plan.rows if row.action == "create"]
    updates = [row.structure for row in plan.rows if row.action == "update"]
    for structure in creates:
        structure.created_at = structure.updated_at = now
    for structure in updates:
        structure.updated_at = now
    try:
        with transaction.atomic():
            if creates:
                bulk_create_with_history(
                    creates, Structure, batch_size=500, default_user=user, default_date=now
                )
            if updates:
                bulk_update_with_history(
                    updates,
                    Structure,
                    [*FIELDS, "siren", "region", "search_text", "updated_at"],
                    batch_size=500,
                    default_user=user,
                    default_date=now,
                )
    except IntegrityError:
        raise ImportConflict(
            "Une autre personne a enregistré une de ces structures pendant l'import : "
            "relancez l'import."
        ) from None
    return ImportResult(
        created=len(creates), updated=len(updates), unchanged=plan.count("unchanged")
    )


class ImportConflict(Exception):
    pass


def template_rows() -> tuple[list[str], list[list[str]]]:
    """Header and one example row of the downloadable template."""
    example = {
        "name": "Association Exemple",
        "siret": "35600000000048",
        "rna": "W351234567",
        "legal_form": "association",
        "sector": "culture",
        "address": "1 rue de l'Exemple",
        "postal_code": "35000",
        "commune": "Rennes",
        "departement": "35",
        "in_qpv": "non",
        "in_zrr": "non",
        "headcount": "5",
        "fte": "4,5",
        "cdi_count": "3",
        "cdd_count": "2",
        "budget": "250000",
        "year_founded": "1998",
        "is_esus": "non",
        "siae_type": "",
        "is_entreprise_adaptee": "non",
        "is_network": "non",
    }
    return [c.header for c in COLUMNS], [[example[c.field] for c in COLUMNS]]


_LABELS = {
    "legal_form": dict(LegalForm.choices),
    "sector": dict(Sector.choices),
    "siae_type": dict(SiaeType.choices),
}


def export_rows(queryset, extra=()):
    """Structures as rows of the import columns (plus ``extra`` lookups): an export can be
    re-imported. Reads tuples, not model instances: exports run over whole registers."""
    lookups = ["departement__code" if f == "departement" else f for f in FIELDS]
    labelled = [(i, _LABELS[f]) for i, f in enumerate(FIELDS) if f in _LABELS]
    for values in queryset.values_list(*lookups, *extra).iterator(chunk_size=2000):
        row = list(values)
        for index, labels in labelled:
            row[index] = labels.get(row[index], row[index])
        yield row
