"""Import and merge that cannot hurt (issue 17, item 3).

The template's example can never be saved; an update's preview names the record it hits
and each old → new value; a merge of records that disagree on SIREN, RNA or commune
needs a confirmation naming each difference; the kept record keeps every identifier;
a merged record's old page leads to the kept one; national operators review a list of
likely duplicates.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demo.structures import siret_for
from structures.duplicates import likely_duplicate_pairs
from structures.forms import StructureForm
from structures.importing import apply_import, plan_import
from structures.models import Structure, StructureMerge
from structures.services import MergeNeedsConfirmation, identity_differences, merge_structures
from structures.validation import EXAMPLE_SIRET, clean_rna, clean_siret
from territoires.actors import SYSTEM
from tests.accompagnements.factories import AccompagnementFactory
from tests.structures.factories import StructureFactory
from tests.structures.spreadsheet_files import csv_bytes
from tests.structures.test_importing import HEADERS, row

# --- The template's example -----------------------------------------------------------


def test_example_identifiers_are_refused_everywhere():
    with pytest.raises(ValidationError, match="ligne d'exemple"):
        clean_siret(EXAMPLE_SIRET)
    with pytest.raises(ValidationError, match="ligne d'exemple"):
        clean_rna("W000000000")


def test_example_siret_cannot_be_registered_through_the_form(personas):
    form = StructureForm(
        {
            "name": "Exemple",
            "siret": "000 000 000 00000",
            "legal_form": "association",
            "sector": "culture",
            "postal_code": "35000",
            "commune": "Rennes",
            "departement": "",
        },
        user=personas.officer_a,
    )
    assert not form.is_valid()
    assert "ligne d'exemple" in form.errors["siret"][0]


# --- The preview of an update -------------------------------------------------------------


@pytest.fixture
def registered(personas):
    plan = plan_import(csv_bytes(HEADERS, [row(1)]), "a.csv", SYSTEM)
    apply_import(plan, SYSTEM)
    return Structure.objects.get()


def test_update_preview_names_the_record_and_each_old_and_new_value(registered):
    changed = row(1, **{"Nom": "Compagnie Renommée", "Effectif salarié": "6", "QPV": "non"})
    plan = plan_import(csv_bytes(HEADERS, [changed]), "b.csv", SYSTEM)
    (planned,) = plan.rows
    assert planned.action == "update"
    assert planned.structure.pk == registered.pk
    assert planned.matched_by == "SIRET"
    assert [(c.column, c.old, c.new) for c in planned.changes] == [
        ("Nom", "Compagnie Théâtrale n°1", "Compagnie Renommée"),
        ("Effectif salarié", "4", "6"),
        ("QPV", "oui", "non"),
    ]


def test_update_preview_page_shows_old_and_new_values(
    registered, personas, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    changed = row(1, **{"Nom": "Compagnie Renommée"})
    response = client_for(personas.officer_a).post(
        reverse("structures:import"),
        {"file": SimpleUploadedFile("b.csv", csv_bytes(HEADERS, [changed]))},
    )
    page = response.content.decode()
    assert f'href="{reverse("structures:detail", args=[registered.pk])}"' in page
    assert "<del>Compagnie Théâtrale n°1</del> → <ins>Compagnie Renommée</ins>" in page


def test_reimporting_unchanged_rows_changes_nothing(registered):
    before = registered.history.count()
    plan = plan_import(csv_bytes(HEADERS, [row(1)]), "a.csv", SYSTEM)
    assert [r.action for r in plan.rows] == ["unchanged"]
    result = apply_import(plan, SYSTEM)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert registered.history.count() == before


# --- Merging --------------------------------------------------------------------------------


@pytest.fixture
def different_entities(personas):
    """Two records with different SIREN, RNA and commune."""
    kept = StructureFactory(name="Les Amis du Livre", siret=siret_for(101), rna="W351000001")
    merged = StructureFactory(
        name="Amis du livre", siret=siret_for(202), rna="W351000002", in_finistere=True
    )
    return kept, merged


def test_differences_name_siren_rna_and_commune(different_entities):
    kept, merged = different_entities
    differences = identity_differences(kept, merged)
    assert [(d.key, d.kept, d.merged) for d in differences] == [
        ("siren", siret_for(101)[:9], siret_for(202)[:9]),
        ("rna", "W351000001", "W351000002"),
        ("commune", "35000 Rennes", "29200 Brest"),
    ]


def test_merge_of_different_entities_needs_each_difference_confirmed(personas, different_entities):
    kept, merged = different_entities
    with pytest.raises(MergeNeedsConfirmation) as refused:
        merge_structures(kept=kept, merged=merged, by=personas.national)
    assert "SIREN" in str(refused.value)
    assert "29200 Brest" in str(refused.value)
    # Confirming some differences is not enough.
    with pytest.raises(MergeNeedsConfirmation):
        merge_structures(kept=kept, merged=merged, by=personas.national, confirmed={"siren"})
    assert Structure.objects.count() == 2
    assert StructureMerge.objects.count() == 0
    merge_structures(
        kept=kept, merged=merged, by=personas.national, confirmed={"siren", "rna", "commune"}
    )
    assert list(Structure.objects.values_list("pk", flat=True)) == [kept.pk]


def test_records_of_one_entity_merge_without_confirmation(personas):
    kept = StructureFactory(name="Les Amis du Livre", siret=siret_for(303), rna="")
    merged = StructureFactory(name="Amis du livre", siret="", rna="W351000003")
    assert identity_differences(kept, merged) == []
    merge_structures(kept=kept, merged=merged, by=personas.national)
    kept.refresh_from_db()
    # The kept record keeps every identifier: it takes the RNA it lacked.
    assert (kept.siret, kept.rna) == (siret_for(303), "W351000003")
    assert kept.history.first().history_user == personas.national


def test_kept_record_takes_the_siret_it_lacks(personas):
    kept = StructureFactory(name="Les Amis du Livre", siret="", rna="W351000004")
    merged = StructureFactory(name="Amis du livre", siret=siret_for(404), rna="W351000004")
    merge_structures(kept=kept, merged=merged, by=personas.national)
    kept.refresh_from_db()
    assert (kept.siret, kept.siren, kept.rna) == (siret_for(404), siret_for(404)[:9], "W351000004")


def test_merge_page_refuses_without_confirmation_and_names_the_differences(
    personas, client_for, different_entities
):
    kept, merged = different_entities
    client = client_for(personas.national)
    url = reverse("structures:merge", args=[kept.pk])
    response = client.post(url, {"merged": str(merged.pk), "confirm": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "ne désignent peut-être pas la même structure" in page
    assert 'name="confirmed" value="commune"' in page
    assert Structure.objects.count() == 2
    response = client.post(
        url,
        {"merged": str(merged.pk), "confirm": "1", "confirmed": ["siren", "rna", "commune"]},
    )
    assert response.status_code == 302
    assert Structure.objects.count() == 1


def test_merge_comparison_opens_from_a_get_without_writing(
    personas, client_for, different_entities
):
    kept, merged = different_entities
    url = reverse("structures:merge", args=[kept.pk])
    response = client_for(personas.national).get(url, {"avec": merged.pk})
    assert response.status_code == 200
    assert response.context["merged"] == merged
    assert [d.key for d in response.context["differences"]] == ["siren", "rna", "commune"]
    assert Structure.objects.count() == 2


# --- After a merge ----------------------------------------------------------------------------


@pytest.fixture
def merged_pair(personas):
    kept = StructureFactory(name="Les Amis du Livre", siret=siret_for(505), rna="W351000005")
    merged = StructureFactory(name="Amis du livre", siret=siret_for(505, 2), rna="")
    merged_pk, merged_siret = merged.pk, merged.siret
    merge_structures(kept=kept, merged=merged, by=personas.national)
    return kept, merged_pk, merged_siret


def test_old_url_redirects_to_the_kept_record(personas, client_for, merged_pair):
    kept, merged_pk, _ = merged_pair
    client = client_for(personas.officer_a)
    response = client.get(reverse("structures:detail", args=[merged_pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("structures:detail", args=[kept.pk])


def test_old_url_is_a_404_for_who_may_not_see_the_kept_record(personas, client_for, merged_pair):
    _, merged_pk, _ = merged_pair
    response = client_for(personas.other_officer).get(
        reverse("structures:detail", args=[merged_pk])
    )
    assert response.status_code == 404


def test_a_merge_of_the_kept_record_carries_the_redirect_along(personas, client_for, merged_pair):
    kept, merged_pk, _ = merged_pair
    final = StructureFactory(name="Amis du Livre (fiche finale)", siret=siret_for(505, 3), rna="")
    merge_structures(kept=final, merged=kept, by=personas.national, confirmed={"rna"})
    response = client_for(personas.national).get(reverse("structures:detail", args=[merged_pk]))
    assert response["Location"] == reverse("structures:detail", args=[final.pk])


def test_import_with_a_merged_siret_updates_the_kept_record(personas, merged_pair):
    kept, _, merged_siret = merged_pair
    line = row(1, SIRET=merged_siret, RNA="", Nom="Les Amis du Livre")
    plan = plan_import(csv_bytes(HEADERS, [line]), "a.csv", SYSTEM)
    assert plan.is_valid, plan.errors
    (planned,) = plan.rows
    assert (planned.action, planned.structure.pk, planned.matched_by) == (
        "update",
        kept.pk,
        "fusion",
    )
    apply_import(plan, SYSTEM)
    kept.refresh_from_db()
    assert kept.siret == siret_for(505)  # its own SIRET, not the merged one's
    assert Structure.objects.count() == 1


# --- The national list of likely duplicates ----------------------------------------------------


def test_likely_duplicate_pairs_by_siren_rna_and_name(personas):
    a = StructureFactory(name="Les Amis du Livre", siret=siret_for(606), rna="W351000006")
    b = StructureFactory(name="Autre nom", siret=siret_for(606, 2), rna="W351000007")
    c = StructureFactory(name="Ciné Club", siret=siret_for(607), rna="W351000007")
    d = StructureFactory(name="Association Ciné-club", siret=siret_for(608), rna="")
    StructureFactory(name="Ciné Club", siret=siret_for(609), rna="", in_finistere=True)
    pairs, total = likely_duplicate_pairs(personas.national)
    found = {(p.kept.pk, p.other.pk): p.reasons for p in pairs}
    assert found == {
        (a.pk, b.pk): ["même SIREN"],
        (b.pk, c.pk): ["même RNA"],
        (c.pk, d.pk): ["même nom, même commune"],
    }
    assert total == 3


def test_duplicate_list_page_links_each_pair_to_its_comparison(personas, client_for):
    a = StructureFactory(name="Ciné Club", siret=siret_for(701), rna="")
    b = StructureFactory(name="Cine club", siret=siret_for(702), rna="")
    response = client_for(personas.national).get(reverse("structures:duplicates"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{reverse("structures:merge", args=[a.pk])}?avec={b.pk}"' in page
    assert "1 paire à examiner" in page


@pytest.mark.parametrize("persona", ["officer_a", "coordinator"])
def test_duplicate_list_is_for_those_who_merge(personas, client_for, persona):
    response = client_for(getattr(personas, persona)).get(reverse("structures:duplicates"))
    assert response.status_code == 403


def test_two_open_cases_block_the_merge_even_when_confirmed(personas):
    kept = StructureFactory(name="Les Amis du Livre", siret=siret_for(801), rna="")
    merged = StructureFactory(name="Amis du livre", siret="", rna="W351000008")
    AccompagnementFactory(structure=kept, officer=personas.officer_a)
    AccompagnementFactory(structure=merged, officer=personas.officer_a)
    with pytest.raises(Exception, match="accompagnement en cours"):
        merge_structures(kept=kept, merged=merged, by=personas.national)
    assert Structure.objects.count() == 2
