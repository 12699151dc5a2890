"""Field rules shared by the structure form and the spreadsheet import.

Messages are in French and name the problem and the fix.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from territoires.postal import departement_code_from_postal_code

_RNA = re.compile(r"^W\d{9}$")
# The import template's example row: identifiers INSEE and the RNA never attribute
# (all zeros), refused everywhere so the example can never be saved nor match a record.
EXAMPLE_SIRET = "00000000000000"
EXAMPLE_RNA = "W000000000"
EXAMPLE_REFUSED = (
    "C'est l'identifiant de la ligne d'exemple du modèle d'import : remplacez la ligne "
    "d'exemple par une structure réelle, ou supprimez-la."
)
_SPACES = re.compile(r"[\s\u00a0\u202f.\-]+")


def clean_siret(value: str) -> str:
    """A valid 14-digit SIRET (spaces and dots removed), or '' when blank."""
    compact = _SPACES.sub("", value or "")
    if not compact:
        return ""
    if not compact.isdigit():
        raise ValidationError(
            "Le SIRET ne doit contenir que des chiffres (14 chiffres).", code="siret_format"
        )
    if len(compact) != 14:
        raise ValidationError(
            "Le SIRET doit comporter 14 chiffres (%(length)s saisis).",
            code="siret_length",
            params={"length": len(compact)},
        )
    if compact == EXAMPLE_SIRET:
        raise ValidationError(EXAMPLE_REFUSED, code="siret_example")
    if not _siret_key_holds(compact):
        raise ValidationError(
            "Ce SIRET n'est pas valide (clé de contrôle incorrecte) : vérifiez les chiffres.",
            code="siret_checksum",
        )
    return compact


# Luhn's key: from the right, every second digit d counts as 2d (less 9 when over 9).
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
# La Poste's establishments share one SIREN; their SIRETs (the head office's aside) are
# keyed by the sum of their digits, a multiple of 5 (INSEE's rule).
_LA_POSTE_SIREN = "356000000"
_LA_POSTE_HEAD_OFFICE = "35600000000048"


def _luhn(digits: str) -> bool:
    kept = sum(map(int, digits[-1::-2]))
    doubled = sum(_DOUBLED[int(d)] for d in digits[-2::-2])
    return (kept + doubled) % 10 == 0


def _siret_key_holds(siret: str) -> bool:
    """The keys of a 14-digit SIRET and of its SIREN. python-stdnum's ``fr.siret``
    checks the same (the tests compare the two), at a sixth of the speed: an import
    checks 10,000 SIRETs."""
    if siret.startswith(_LA_POSTE_SIREN) and siret != _LA_POSTE_HEAD_OFFICE:
        key_holds = sum(map(int, siret)) % 5 == 0
    else:
        key_holds = _luhn(siret)
    return key_holds and _luhn(siret[:9])


def clean_rna(value: str) -> str:
    """An RNA number 'W' + 9 digits (upper-cased, spaces removed), or '' when blank."""
    compact = _SPACES.sub("", value or "").upper()
    if not compact:
        return ""
    if not _RNA.match(compact):
        raise ValidationError(
            "Le numéro RNA doit être la lettre W suivie de 9 chiffres (ex. : W351234567).",
            code="rna_format",
        )
    if compact == EXAMPLE_RNA:
        raise ValidationError(EXAMPLE_REFUSED, code="rna_example")
    return compact


def clean_postal_code(value: str) -> str:
    compact = _SPACES.sub("", value or "")
    if departement_code_from_postal_code(compact) is None:
        raise ValidationError(
            "Le code postal doit être un code postal français à 5 chiffres.",
            code="postal_code_format",
        )
    return compact


def check_postal_code_in_departement(postal_code: str, departement_code: str) -> None:
    expected = departement_code_from_postal_code(postal_code)
    if expected and departement_code and expected != departement_code:
        raise ValidationError(
            "Le code postal %(postal_code)s n'est pas dans le département %(departement)s "
            "(il correspond au département %(expected)s).",
            code="postal_code_departement",
            params={
                "postal_code": postal_code,
                "departement": departement_code,
                "expected": expected,
            },
        )


def check_year_founded(year: int | None, *, today: datetime.date | None = None) -> None:
    """A structure cannot have been founded after this year (form, import, API)."""
    this_year = (today or timezone.localdate()).year
    if year is not None and year > this_year:
        raise ValidationError(
            "L'année de création ne peut pas être postérieure à %(year)s.",
            code="year_founded_future",
            params={"year": this_year},
        )


def check_contracts(headcount: int, cdi_count: int, cdd_count: int) -> None:
    if (cdi_count or 0) + (cdd_count or 0) > (headcount or 0):
        raise ValidationError(
            "L'effectif salarié doit être au moins égal au nombre de CDI et de CDD.",
            code="contracts_over_headcount",
        )
