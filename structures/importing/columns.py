"""The import columns: headers users see, the field each fills, and its cell parser.

The export writes the same columns, so an exported file can be re-imported.
"""

import decimal
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Choices, QuerySet

from tabular import SheetColumn

from ..models import LegalForm, Sector, SiaeType, Structure
from ..text import normalize
from ..validation import EXAMPLE_RNA, EXAMPLE_SIRET, clean_postal_code, clean_rna, clean_siret

# --- Cell parsers: text in, value out, ValidationError with a French message ---------

# Coded columns (choices, yes/no) repeat a few spellings down a whole file: each is
# normalised once. A refused cell raises, and is not kept.
_CACHED_CELLS = 256


def _text(max_length: int, required: bool = False) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = " ".join(value.split())
        if required and not value:
            raise ValidationError("Valeur obligatoire.")
        if len(value) > max_length:
            raise ValidationError(f"{max_length} caractères au plus ({len(value)} saisis).")
        return value

    return parse


def _choice(choices: type[Choices], required: bool) -> Callable[[str], str]:
    accepted = {}
    for value, label in choices.choices:
        accepted[normalize(value)] = value
        accepted[normalize(label)] = value
    listing = ", ".join(str(label) for _, label in choices.choices)

    @functools.lru_cache(maxsize=_CACHED_CELLS)
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


@functools.lru_cache(maxsize=_CACHED_CELLS)
def _boolean(value: str) -> bool:
    key = normalize(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValidationError(f"« {value} » n'est pas reconnu ; indiquez oui ou non.")


_NUMBER_NOISE = re.compile(r"[\s\u00a0\u202f€]")


def _integer(
    minimum: int = 0, maximum: int = 10**12, null: bool = False
) -> Callable[[str], int | None]:
    def parse(value: str) -> int | None:
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
BY_KEY = {}
for _column in COLUMNS:
    for _name in (_column.header, _column.field, *_column.aliases):
        BY_KEY[normalize(_name)] = _column


def template_rows() -> tuple[list[str], list[list[str]]]:
    """Header and one example row of the downloadable template.

    The example's SIRET and RNA are refused everywhere (``validation.EXAMPLE_SIRET``):
    a template uploaded unchanged is refused, it can never create nor update a record."""
    example = {
        "name": "EXEMPLE – à remplacer par vos structures",
        "siret": EXAMPLE_SIRET,
        "rna": EXAMPLE_RNA,
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


_YES_NO = ("oui", "non")
# How each column shows in XLSX: width (characters) and, for coded columns, the values
# offered as a drop-down list (the labels the import accepts).
_SHEET = {
    "name": SheetColumn(40),
    "siret": SheetColumn(17),
    "rna": SheetColumn(13),
    "legal_form": SheetColumn(30, [str(label) for _, label in LegalForm.choices]),
    "sector": SheetColumn(28, [str(label) for _, label in Sector.choices]),
    "address": SheetColumn(32),
    "postal_code": SheetColumn(12),
    "commune": SheetColumn(24),
    "departement": SheetColumn(13),
    "in_qpv": SheetColumn(8, _YES_NO),
    "in_zrr": SheetColumn(8, _YES_NO),
    "is_esus": SheetColumn(14, _YES_NO),
    "siae_type": SheetColumn(30, [str(label) for _, label in SiaeType.choices]),
    "is_entreprise_adaptee": SheetColumn(18, _YES_NO),
    "is_network": SheetColumn(15, _YES_NO),
}


def sheet_columns() -> list[SheetColumn | None]:
    """The XLSX presentation of the import columns, in order."""
    return [_SHEET.get(c.field) for c in COLUMNS]


def column_instructions() -> list[str]:
    """One French line per column: required or not, what it holds, accepted values."""
    lines = []
    for column in COLUMNS:
        what = "obligatoire" if column.required else "facultative"
        line = f"{column.header} ({what})"
        if column.help:
            line += f" : {column.help}"
        choices = _SHEET.get(column.field, SheetColumn()).choices
        if choices and tuple(choices) != _YES_NO:
            line += " ; valeurs : " + ", ".join(choices)
        lines.append(line + ".")
    return lines


def template_instructions() -> list[str]:
    return [
        "Modèle d'import des structures – mode d'emploi",
        "Une ligne par structure dans la feuille « Structures », à partir de la ligne 2. "
        "Gardez la ligne d'en-tête telle quelle ; l'ordre des colonnes est libre.",
        "La ligne d'exemple est refusée telle quelle (son SIRET et son RNA ne désignent "
        "aucune structure) : remplacez-la par vos structures ou supprimez-la.",
        "Une structure déjà enregistrée est reconnue par son SIRET, sinon par son RNA : "
        "l'import la met à jour. Avant de confirmer, l'aperçu montre chaque fiche touchée "
        "et chaque valeur avant → après.",
        "Rien n'est enregistré avant votre confirmation, et un fichier qui contient une "
        "erreur n'enregistre rien : l'aperçu liste chaque erreur (ligne, colonne, motif).",
        "Les colonnes à valeurs codées proposent une liste déroulante.",
        "Colonnes :",
        *column_instructions(),
    ]


def export_instructions() -> list[str]:
    return [
        "Export du registre des structures – mode d'emploi",
        "Une ligne par structure que vous pouvez consulter, dans l'ordre alphabétique. "
        "Les filtres de la liste s'appliquent à l'export.",
        "Les colonnes sont celles du modèle d'import : après correction, ce fichier peut "
        "être réimporté (les structures sont reconnues par leur SIRET, sinon leur RNA). "
        "Les colonnes « Région » et « Accompagnement en cours » sont ignorées à l'import.",
        "Colonnes :",
        *column_instructions(),
    ]


_LABELS = {
    "legal_form": dict(LegalForm.choices),
    "sector": dict(Sector.choices),
    "siae_type": dict(SiaeType.choices),
}


def export_rows(queryset: QuerySet[Structure], extra: Sequence[str] = ()) -> Iterator[list[Any]]:
    """Structures as rows of the import columns (plus ``extra`` lookups): an export can be
    re-imported. Reads tuples, not model instances: exports run over whole registers."""
    lookups = ["departement__code" if f == "departement" else f for f in FIELDS]
    labelled = [(i, _LABELS[f]) for i, f in enumerate(FIELDS) if f in _LABELS]
    for values in queryset.values_list(*lookups, *extra).iterator(chunk_size=2000):
        row = list(values)
        for index, labels in labelled:
            row[index] = labels.get(row[index], row[index])
        yield row
