"""Reading the reference file of employer ESS establishments by department.

Format (docs/pilotage.md): UTF-8 text (a BOM is accepted), ``;`` or ``,`` between
fields, lines starting with ``#`` are comments, then a header line with exactly
these columns, in any order:

    annee;code_departement;etablissements_employeurs;dont_zrr;dont_qpv;source

``annee``: the vintage (2000-2100); ``code_departement``: INSEE code (01…95, 2A, 2B,
971…976); ``etablissements_employeurs``: a whole number; ``dont_zrr`` / ``dont_qpv``:
how many of them are in ZRR / rural areas and in QPV, or empty when unknown;
``source``: where the figure comes from (shown under the coverage tables).
A file is loaded whole or not at all: every error is reported with its line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction

from territoires.models import Departement

from .models import EtablissementsEss

COLUMNS = [
    "annee",
    "code_departement",
    "etablissements_employeurs",
    "dont_zrr",
    "dont_qpv",
    "source",
]


class ReferenceFileError(ValueError):
    """The file cannot be loaded; ``errors`` lists every problem, in French, by line."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Row:
    line: int
    year: int
    code: str
    establishments: int
    in_zrr: int | None
    in_qpv: int | None
    source: str


def _count(
    value: str, column: str, line: int, errors: list[str], *, optional: bool = False
) -> int | None:
    value = value.strip().replace("\u202f", "").replace(" ", "")
    if not value and optional:
        return None
    if not value.isdigit() or not value.isascii():
        errors.append(f"Ligne {line}, {column} : un nombre entier positif est attendu ({value!r}).")
        return None
    return int(value)


def parse(data: bytes) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReferenceFileError(["Le fichier doit être encodé en UTF-8."]) from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)]
    lines = [(n, line) for n, line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ReferenceFileError(["Le fichier est vide."])
    header_line, header = lines[0]
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    columns = [c.strip().lower() for c in header.split(delimiter)]
    if sorted(columns) != sorted(COLUMNS):
        raise ReferenceFileError(
            [f"Ligne {header_line} : colonnes attendues {';'.join(COLUMNS)} (reçu {header!r})."]
        )
    known = set(Departement.objects.values_list("code", flat=True))
    errors: list[str] = []
    rows: list[Row] = []
    seen: dict[tuple[int, str], int] = {}
    for number, line in lines[1:]:
        fields = next(csv.reader(io.StringIO(line), delimiter=delimiter))
        if len(fields) != len(columns):
            errors.append(f"Ligne {number} : {len(columns)} champs attendus, {len(fields)} reçus.")
            continue
        record = dict(zip(columns, fields, strict=True))
        year = _count(record["annee"], "annee", number, errors)
        if year is not None and not 2000 <= year <= 2100:
            errors.append(f"Ligne {number}, annee : un millésime entre 2000 et 2100 est attendu.")
        code = record["code_departement"].strip().upper()
        if code not in known:
            errors.append(f"Ligne {number}, code_departement : département inconnu ({code!r}).")
        total = _count(
            record["etablissements_employeurs"], "etablissements_employeurs", number, errors
        )
        in_zrr = _count(record["dont_zrr"], "dont_zrr", number, errors, optional=True)
        in_qpv = _count(record["dont_qpv"], "dont_qpv", number, errors, optional=True)
        for column, part in (("dont_zrr", in_zrr), ("dont_qpv", in_qpv)):
            if part is not None and total is not None and part > total:
                errors.append(
                    f"Ligne {number}, {column} : {part} dépasse le nombre "
                    f"d'établissements ({total})."
                )
        source = record["source"].strip()
        if not source:
            errors.append(f"Ligne {number}, source : indiquez d'où vient le chiffre.")
        if year is not None and (year, code) in seen:
            errors.append(f"Ligne {number} : {code} {year} figure déjà ligne {seen[(year, code)]}.")
        seen[(year or 0, code)] = number
        if year is not None and total is not None:
            rows.append(Row(number, year, code, total, in_zrr, in_qpv, source[:200]))
    if errors:
        raise ReferenceFileError(errors)
    return rows


def load(data: bytes) -> list[EtablissementsEss]:
    """Load a file: each (department, vintage) row is created or replaced; all or nothing."""
    rows = parse(data)
    departements = {d.code: d for d in Departement.objects.all()}
    saved = []
    with transaction.atomic():
        for row in rows:
            item, _ = EtablissementsEss.objects.update_or_create(
                departement=departements[row.code],
                year=row.year,
                defaults={
                    "employer_establishments": row.establishments,
                    "in_zrr": row.in_zrr,
                    "in_qpv": row.in_qpv,
                    "source": row.source,
                },
            )
            saved.append(item)
    return saved
