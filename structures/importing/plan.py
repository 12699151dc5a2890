"""Spreadsheet import of structures: parse, plan (validate every row), then apply.

All or nothing: ``plan_import`` reads the whole file and reports every bad row
(line, column, reason in French); ``apply_import`` writes only a plan without
errors, in one transaction. Rows are matched to existing structures by SIRET,
then by RNA, so importing the same file twice updates instead of duplicating.

Shared by the ``import_structures`` command and the web import.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tabular import SpreadsheetError, read_table
from territoires import policy
from territoires.actors import is_system
from territoires.keys import InKeys
from territoires.models import Departement
from territoires.policy import Actor
from territoires.postal import departement_code_from_postal_code

from ..duplicates import Candidate, DuplicateIndex, as_seen_by
from ..models import LegalForm, Sector, SiaeType, Structure, StructureMerge
from ..signals import structures_changed
from ..text import normalize
from ..validation import (
    check_contracts,
    check_postal_code_in_departement,
    check_year_founded,
)
from .columns import BY_KEY, COLUMNS, FIELDS, HEADERS, Column
from .writes import insert_rows, record_history, update_rows

# Rows per INSERT or UPDATE where the database takes them in batches.
BATCH = 500
# The existing structure each row of the file updates, by line; None: a new structure.
Matches = dict[int, Structure | None]
Row = tuple[int, dict[str, Any]]

# --- Plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"ligne {self.line}" if self.line else "fichier"
        if self.column:
            where += f", colonne « {self.column} »"
        return f"{where} : {self.message}"


@dataclass(frozen=True)
class FieldChange:
    """One field an update changes, as the preview shows it: old → new."""

    column: str
    old: str
    new: str


@dataclass
class PlannedRow:
    line: int
    action: str  # "create", "update" or "unchanged"
    structure: Structure
    changed: list[str] = field(default_factory=list)
    duplicates: list[Candidate] = field(default_factory=list)
    # An update: each changed field's old and new value, and how the row found its record.
    changes: list[FieldChange] = field(default_factory=list)
    matched_by: str = ""


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # Line → how it found an existing record: "SIRET", "RNA" or "fusion" (merge journal).
    matched_by: dict[int, str] = field(default_factory=dict)

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


def plan_import(data: bytes, filename: str, user: Actor) -> ImportPlan:
    """Read and validate the whole file as ``user``: a person, whose territory limits what
    the file may create or change, or ``SYSTEM`` (the command line)."""
    plan = ImportPlan()
    try:
        table = read_table(data, filename)
    except SpreadsheetError as error:
        plan.errors.append(RowError(0, "", str(error)))
        return plan

    columns: list[Column | None] = []
    seen = {}
    for header in table.headers:
        column = BY_KEY.get(normalize(header))
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
    today = timezone.localdate()  # once, not for each row's year of creation
    for line, cells in table.rows:
        values, errors = _parse_row(
            line, cells, columns, seen, departements, departement_by_name, today
        )
        plan.errors.extend(errors)
        parsed.append((line, values, bool(errors)))
    # The cells as read (~10 MB for 10,000 rows) are not needed past this point: the
    # duplicate look-up that follows is the import's peak of memory.
    del table

    good = [(line, values) for line, values, bad in parsed if not bad]
    matches = _match(plan, good, seen)
    _decide(plan, good, matches, _authorise(user, matches), seen)
    _show_duplicates_as_seen_by(plan, user)
    return plan


def _parse_row(
    line: int,
    cells: list[str],
    columns: list[Column | None],
    seen: dict[str, str],
    departements: dict[str, Departement],
    departement_by_name: dict[str, Departement],
    today: datetime.date,
) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
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
    # The postal code parsed above always names a department: "" is never reached.
    code: str = (
        values.get("departement") or departement_code_from_postal_code(values["postal_code"]) or ""
    )
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
    try:
        check_year_founded(values.get("year_founded"), today=today)
    except ValidationError as error:
        errors.append(
            RowError(line, seen.get("year_founded", "Année de création"), error.messages[0])
        )
    return values, errors


def _merged_identifiers(
    sirets: set[str], rnas: set[str]
) -> tuple[dict[str, Structure], dict[str, Structure]]:
    """The kept records of merged structures, by the merged structure's SIRET and RNA."""
    by_siret: dict[str, Structure] = {}
    by_rna: dict[str, Structure] = {}
    if not sirets and not rnas:
        return by_siret, by_rna
    journal = StructureMerge.objects.select_related("kept").order_by("merged_at", "pk")
    for merge in journal.filter(InKeys(F("merged_siret"), sirets)):
        by_siret[merge.merged_siret] = merge.kept
    for merge in journal.filter(InKeys(F("merged_rna"), rnas)):
        by_rna[merge.merged_rna] = merge.kept
    return by_siret, by_rna


def _match(plan: ImportPlan, good: list[Row], seen: dict[str, str]) -> Matches:
    """Match each row to an existing structure by SIRET, then RNA (None: a new one).

    A row repeating a key of the file, naming an ambiguous RNA or the structure of an
    earlier row gets an error and no match."""
    sirets = {v["siret"] for _, v in good if v.get("siret")}
    rnas = {v["rna"] for _, v in good if v.get("rna")}
    by_siret, by_rna = {}, defaultdict(list)
    for structure in Structure.objects.filter(InKeys(F("siret"), sirets)):
        by_siret[structure.siret] = structure
    for structure in Structure.objects.filter(InKeys(F("rna"), rnas)):
        by_rna[structure.rna].append(structure)
    # A structure merged into another: its identifiers now lead to the kept record, so a
    # file written before the merge updates it instead of re-creating the duplicate.
    merged_siret, merged_rna = _merged_identifiers(sirets - set(by_siret), rnas - set(by_rna))

    matches: Matches = {}
    first_line_of: dict[tuple[str, str], int] = {}
    line_of_structure: dict[int, int] = {}
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
        matched_by = "SIRET" if existing else ""
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
            matched_by = "RNA" if existing else ""
        if existing is None and (siret in merged_siret or rna in merged_rna):
            existing = merged_siret.get(siret) or merged_rna[rna]
            matched_by = "fusion"
            # The kept record keeps its own identifiers; the merged ones stay in the journal.
            values.pop("siret", None)
            values.pop("rna", None)
        if existing is not None:
            plan.matched_by[line] = matched_by
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
    return matches


@dataclass(frozen=True)
class Authority:
    """What the importing actor may do with the structures a file names."""

    visible: frozenset[int]
    editable: frozenset[int]
    # Departments (pks) where it may register a structure or move one; None: all of them.
    departements: frozenset[int] | None

    def may_place_in(self, departement_pk: int) -> bool:
        return self.departements is None or departement_pk in self.departements


def _authorise(user: Actor, matches: Matches) -> Authority:
    matched = {s.pk for s in matches.values() if s is not None}
    if policy.imports_anywhere(user):
        return Authority(frozenset(matched), frozenset(matched), None)
    structures = Structure.objects.filter(InKeys(F("pk"), matched))
    visible = set(structures.visible_to(user).values_list("pk", flat=True))
    editable = set(structures.editable_by(user).values_list("pk", flat=True))
    open_to_new = policy.departements_open_to_new_structures(user).values_list("pk", flat=True)
    return Authority(frozenset(visible), frozenset(editable), frozenset(open_to_new))


def _decide(
    plan: ImportPlan,
    good: list[Row],
    matches: Matches,
    authority: Authority,
    seen: dict[str, str],
) -> None:
    """Each matched row becomes a creation, an update or unchanged, or an error saying why."""
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
            outcome = _creation(line, values, authority, seen, index, region_by_departement)
        else:
            outcome = _update(line, values, existing, authority, seen, region_by_departement)
            if isinstance(outcome, PlannedRow):
                outcome.matched_by = plan.matched_by.get(line, "")
        if isinstance(outcome, RowError):
            plan.errors.append(outcome)
        else:
            plan.rows.append(outcome)


def _placement_error(
    line: int, values: dict[str, Any], seen: dict[str, str], verb: str
) -> RowError:
    return RowError(
        line,
        seen.get("departement") or seen["postal_code"],
        f"Vous ne pouvez pas {verb} dans le département {values['departement']}.",
    )


def _creation(
    line: int,
    values: dict[str, Any],
    authority: Authority,
    seen: dict[str, str],
    index: DuplicateIndex,
    region_by_departement: dict[int, int],
) -> PlannedRow | RowError:
    if not authority.may_place_in(values["departement"].pk):
        return _placement_error(line, values, seen, "enregistrer de structure")
    structure = Structure(**values)
    structure.set_derived_fields(region_by_departement)
    duplicates = index.find(
        name=structure.name,
        siret=structure.siret,
        commune=structure.commune,
        departement_id=structure.departement_id,
    )
    index.add_pending(line, structure)
    return PlannedRow(line, "create", structure, duplicates=duplicates)


def _update(
    line: int,
    values: dict[str, Any],
    existing: Structure,
    authority: Authority,
    seen: dict[str, str],
    region_by_departement: dict[int, int],
) -> PlannedRow | RowError:
    if existing.pk not in authority.editable:
        column = seen.get("siret") if values.get("siret") else seen.get("rna")
        if existing.pk in authority.visible:
            message = (
                f"La structure « {existing.name} » existe déjà et vous ne pouvez pas la modifier."
            )
        else:
            message = (
                "Cette structure existe déjà, hors de votre territoire : contactez le DLA concerné."
            )
        return RowError(line, column or "", message)
    if not values.get("siret"):
        values.pop("siret", None)  # a blank SIRET never erases a known one
    moved = values["departement"].pk != existing.departement_id
    if moved and not authority.may_place_in(values["departement"].pk):
        return _placement_error(line, values, seen, "déplacer la structure")
    changed = [
        name
        for name, value in values.items()
        if _current(existing, name) != (value.pk if name == "departement" else value)
    ]
    # Read before the values are set: the preview shows each field's old → new value.
    old = {name: _shown(name, getattr(existing, name)) for name in changed}
    for name in changed:
        setattr(existing, name, values[name])
    existing.set_derived_fields(region_by_departement)
    return PlannedRow(
        line,
        "update" if changed else "unchanged",
        existing,
        changed=[HEADERS[name] for name in changed],
        changes=[
            FieldChange(HEADERS[name], old[name], _shown(name, values[name])) for name in changed
        ],
    )


_SHOWN_LABELS: dict[str, dict[str, str]] = {
    "legal_form": dict(LegalForm.choices),
    "sector": dict(Sector.choices),
    "siae_type": dict(SiaeType.choices),
}


def _shown(name: str, value: Any) -> str:
    """A value as the preview shows it (French: oui/non, labels, decimal comma)."""
    if value is None or value == "":
        return "—"
    if name == "departement":
        return value.code
    if isinstance(value, bool):
        return "oui" if value else "non"
    if name in _SHOWN_LABELS:
        return str(_SHOWN_LABELS[name].get(value, value))
    if name == "fte":
        return str(value).replace(".", ",")
    return str(value)


def _show_duplicates_as_seen_by(plan: ImportPlan, user: Actor) -> None:
    # The look-up crosses departments (a SIREN knows no border); the preview names
    # only the structures its reader may see.
    warned = [row for row in plan.rows if row.duplicates]
    shown = as_seen_by(user, [row.duplicates for row in warned])
    for row, duplicates in zip(warned, shown, strict=True):
        row.duplicates = duplicates


def _current(structure: Structure, name: str) -> Any:
    if name == "departement":
        return structure.departement_id
    return getattr(structure, name)


@transaction.atomic
def apply_import(plan: ImportPlan, user: Actor) -> ImportResult:
    """Write a valid plan in one transaction; raises ValueError on an invalid plan.

    History rows name ``user``; none for ``SYSTEM``, which is nobody."""
    if not plan.is_valid:
        raise ValueError("an import plan with errors cannot be applied")
    now = timezone.now()
    history_user = None if is_system(user) else user
    creates = [row.structure for row in plan.rows if row.action == "create"]
    updates = [row.structure for row in plan.rows if row.action == "update"]
    for structure in creates:
        structure.created_at = structure.updated_at = now
    for structure in updates:
        structure.updated_at = now
    try:
        with transaction.atomic():
            insert_rows(creates, batch_size=BATCH)
            record_history(Structure, [s.pk for s in creates], "+", user=history_user, date=now)
            if updates:
                update_rows(
                    updates,
                    [*FIELDS, "siren", "region", "search_text", "updated_at"],
                    batch_size=BATCH,
                )
                record_history(Structure, [s.pk for s in updates], "~", user=history_user, date=now)
                # One notice for the batch (reporting's summaries refresh once, on commit).
                structures_changed.send(Structure, structure_ids=[s.pk for s in updates])
    except IntegrityError:
        raise ImportConflict(
            "Une autre personne a enregistré une de ces structures pendant l'import : "
            "relancez l'import."
        ) from None
    return ImportResult(
        created=len(creates), updated=len(updates), unchanged=plan.count("unchanged")
    )


class ImportConflict(Exception):
    """Another write took a SIRET between the plan and its application."""
