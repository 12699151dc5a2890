import pytest
from django.urls import reverse

from demo.structures import siret_for
from structures.forms import StructureForm
from structures.models import Structure
from tests.structures.factories import StructureFactory

CREATE_URL = reverse("structures:create")


def form_data(**overrides):
    data = {
        "name": "Les Jardins Partagés",
        "siret": siret_for(4242),
        "rna": "W351111111",
        "legal_form": "association",
        "sector": "environnement",
        "postal_code": "35000",
        "commune": "Rennes",
        "departement": "",
        "headcount": "3",
        "fte": "2,5",
        "cdi_count": "2",
        "cdd_count": "1",
    }
    data.update(overrides)
    return data


def test_department_and_region_are_derived_from_postal_code(personas):
    form = StructureForm(form_data(), user=personas.officer_a)
    assert form.is_valid(), form.errors
    structure = form.save()
    assert structure.departement == personas.departement_a
    assert structure.region == personas.region
    assert structure.siren == structure.siret[:9]


@pytest.mark.parametrize(
    ("postal_code", "departement"), [("20090", "2A"), ("20200", "2B"), ("97411", "974")]
)
def test_corsica_and_overseas_departments_are_derived(personas, postal_code, departement):
    form = StructureForm(form_data(postal_code=postal_code), user=personas.admin)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["departement"].code == departement


def test_siret_with_bad_checksum_is_refused_in_french(personas):
    form = StructureForm(form_data(siret="12345678901234"), user=personas.officer_a)
    assert not form.is_valid()
    assert "clé de contrôle" in form.errors["siret"][0]


def test_siret_with_wrong_length_says_how_many_digits(personas):
    form = StructureForm(form_data(siret="1234"), user=personas.officer_a)
    assert not form.is_valid()
    assert "14 chiffres (4 saisis)" in form.errors["siret"][0]


def test_siret_of_la_poste_establishment_is_accepted(personas):
    # La Poste's SIRETs follow their own rule (sum of digits multiple of 5).
    form = StructureForm(form_data(siret="356 000 000 00048"), user=personas.officer_a)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["siret"] == "35600000000048"


def test_siret_already_registered_links_to_the_visible_record(personas):
    existing = StructureFactory()
    form = StructureForm(form_data(siret=existing.siret), user=personas.officer_a)
    assert not form.is_valid()
    error = form.errors["siret"][0]
    assert reverse("structures:detail", args=[existing.pk]) in error
    assert existing.name in error


def test_siret_registered_out_of_scope_is_reported_without_a_link(personas):
    hidden = StructureFactory(in_loire_atlantique=True, name="Secret de Nantes")
    form = StructureForm(form_data(siret=hidden.siret), user=personas.officer_a)
    assert not form.is_valid()
    error = form.errors["siret"][0]
    assert "hors de votre territoire" in error
    assert "Secret de Nantes" not in error
    assert "href" not in error


@pytest.mark.parametrize("rna", ["W12345678", "X123456789", "W1234567890", "WABCDEFGHI"])
def test_rna_must_be_w_and_nine_digits(personas, rna):
    form = StructureForm(form_data(rna=rna), user=personas.officer_a)
    assert not form.is_valid()
    assert "W suivie de 9 chiffres" in form.errors["rna"][0]


def test_rna_is_upper_cased(personas):
    form = StructureForm(form_data(rna="w351111112"), user=personas.officer_a)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["rna"] == "W351111112"


def test_postal_code_outside_the_chosen_department_is_refused(personas):
    form = StructureForm(
        form_data(postal_code="29200", departement=personas.departement_a.pk),
        user=personas.coordinator,
    )
    assert not form.is_valid()
    assert form.errors["postal_code"] == [
        "Le code postal 29200 n'est pas dans le département 35 (il correspond au département 29)."
    ]


def test_officer_cannot_register_in_another_department(personas):
    form = StructureForm(form_data(postal_code="29200", commune="Brest"), user=personas.officer_a)
    assert not form.is_valid()
    assert "département 29" in form.errors["departement"][0]


def test_contracts_cannot_exceed_headcount(personas):
    form = StructureForm(form_data(headcount="1"), user=personas.officer_a)
    assert not form.is_valid()
    assert "CDI et de CDD" in form.errors["headcount"][0]


class TestLikelyDuplicates:
    def test_same_siren_is_flagged_until_confirmed(self, personas, client_for):
        existing = StructureFactory(siret=siret_for(777))
        other_establishment = existing.siret[:9] + "00028"
        from stdnum.fr import siret as siret_mod

        # Find a valid establishment number of the same SIREN.
        for nic in range(20, 100):
            candidate = existing.siret[:9] + f"{nic:05d}"
            if siret_mod.is_valid(candidate):
                other_establishment = candidate
                break
        client = client_for(personas.officer_a)
        response = client.post(CREATE_URL, form_data(siret=other_establishment))
        assert response.status_code == 200
        assert "même SIREN" in response.content.decode()
        assert Structure.objects.count() == 1
        response = client.post(
            CREATE_URL, form_data(siret=other_establishment, confirm_not_duplicate="on")
        )
        assert response.status_code == 302
        assert Structure.objects.count() == 2

    def test_very_similar_name_in_same_commune_is_flagged(self, personas):
        StructureFactory(name="Association Les Jardins Partagés", commune="RENNES")
        form = StructureForm(form_data(name="Les jardins partages"), user=personas.officer_a)
        assert not form.is_valid()
        assert "nom très proche" in str(form.non_field_errors())

    def test_similar_name_in_another_commune_is_not_flagged(self, personas):
        StructureFactory(name="Les Jardins Partagés", commune="Vitré", postal_code="35500")
        form = StructureForm(form_data(), user=personas.officer_a)
        assert form.is_valid(), form.errors


def test_create_page_records_who_created_in_history(personas, client_for):
    response = client_for(personas.officer_a).post(CREATE_URL, form_data())
    assert response.status_code == 302
    structure = Structure.objects.get()
    assert structure.history.get().history_user == personas.officer_a


def test_update_page_changes_the_structure(personas, client_for):
    structure = StructureFactory()
    url = reverse("structures:update", args=[structure.pk])
    data = form_data(siret=structure.siret, rna=structure.rna, name="Nouveau nom")
    response = client_for(personas.officer_a).post(url, data)
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.name == "Nouveau nom"
    assert "nouveau nom" in structure.search_text
