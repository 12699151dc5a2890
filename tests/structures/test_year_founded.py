"""A structure cannot be founded after this year: same rule on the form and the import."""

from django.utils import timezone

from demo.structures import siret_for
from structures.forms import StructureForm
from structures.importing import plan_import
from tests.structures.spreadsheet_files import csv_bytes

THIS_YEAR = timezone.localdate().year


def form_data(year):
    return {
        "name": "Les Jardins Partagés",
        "siret": siret_for(4243),
        "legal_form": "association",
        "sector": "environnement",
        "postal_code": "35000",
        "commune": "Rennes",
        "departement": "",
        "headcount": "3",
        "fte": "2,5",
        "cdi_count": "2",
        "cdd_count": "1",
        "year_founded": str(year),
    }


def test_the_form_refuses_a_year_founded_after_this_year(personas):
    form = StructureForm(form_data(THIS_YEAR + 1), user=personas.officer_a)
    assert not form.is_valid()
    assert form.errors["year_founded"] == [
        f"L'année de création ne peut pas être postérieure à {THIS_YEAR}."
    ]
    assert StructureForm(form_data(THIS_YEAR), user=personas.officer_a).is_valid()


def test_the_import_refuses_the_row_naming_the_column(personas):
    headers = ["Nom", "SIRET", "Forme juridique", "Secteur", "Code postal", "Commune",
               "Effectif salarié", "CDI", "CDD", "Année de création"]  # fmt: skip
    row = ["Compagnie", siret_for(6001), "Association", "culture", "35000", "Rennes",
           "4", "2", "1", str(THIS_YEAR + 1)]  # fmt: skip
    plan = plan_import(csv_bytes(headers, [row]), "a.csv", personas.officer_a)
    assert [(e.column, e.message) for e in plan.errors] == [
        ("Année de création", f"L'année de création ne peut pas être postérieure à {THIS_YEAR}.")
    ]
