import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from structures.models import Contact, Structure, StructureMerge
from structures.services import MergeError, merge_structures
from tests.accompagnements.factories import AccompagnementFactory
from tests.structures.factories import ContactFactory, StructureFactory


@pytest.fixture
def pair(personas):
    kept = StructureFactory(name="Les Amis du Livre")
    merged = StructureFactory(name="Amis du livre (doublon)")
    return kept, merged


def test_merge_moves_cases_and_contacts_and_journals(personas, pair):
    kept, merged = pair
    ContactFactory(structure=merged, first_name="Jo")
    case = AccompagnementFactory(structure=merged, officer=personas.officer_a)
    journal = merge_structures(
        kept=kept, merged=merged, by=personas.national, confirmed={"siren", "rna"}
    )
    case.refresh_from_db()
    assert case.structure == kept
    assert [c.first_name for c in Contact.objects.filter(structure=kept)] == ["Jo"]
    assert not Structure.objects.filter(pk=merged.pk).exists()
    assert journal.merged_name == "Amis du livre (doublon)"
    assert journal.merged_siret == merged.siret
    assert journal.merged_by == personas.national
    assert journal.moved == {"accompagnements": 1, "contacts": 1}
    deletion = Structure.history.filter(id=merged.pk, history_type="-").get()
    assert deletion.history_user == personas.national


def test_two_open_cases_cannot_be_merged_and_nothing_moves(personas, pair):
    kept, merged = pair
    AccompagnementFactory(structure=kept, officer=personas.officer_a)
    AccompagnementFactory(structure=merged, officer=personas.officer_a)
    ContactFactory(structure=merged)
    with pytest.raises(MergeError, match="accompagnement en cours"):
        merge_structures(kept=kept, merged=merged, by=personas.admin, confirmed={"siren", "rna"})
    assert Structure.objects.count() == 2
    assert merged.contacts.count() == 1
    assert StructureMerge.objects.count() == 0


@pytest.mark.parametrize("persona", ["officer_a", "coordinator"])
def test_only_national_and_admin_merge(personas, pair, persona):
    kept, merged = pair
    with pytest.raises(PermissionDenied):
        merge_structures(kept=kept, merged=merged, by=getattr(personas, persona))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("national", 200), ("admin", 200), ("officer_a", 403), ("coordinator", 403),
     ("other_officer", 404)],
)  # fmt: skip
def test_merge_page_per_persona(personas, client_for, pair, persona, expected):
    url = reverse("structures:merge", args=[pair[0].pk])
    assert client_for(getattr(personas, persona)).get(url).status_code == expected


def test_merge_page_previews_then_merges(personas, client_for, pair):
    kept, merged = pair
    client = client_for(personas.national)
    url = reverse("structures:merge", args=[kept.pk])
    response = client.post(url, {"merged": merged.siret})
    assert response.status_code == 200
    assert response.context["merged"] == merged
    assert Structure.objects.count() == 2
    response = client.post(
        url, {"merged": str(merged.pk), "confirm": "1", "confirmed": ["siren", "rna"]}
    )
    assert response.status_code == 302
    assert Structure.objects.count() == 1
    detail = client.get(reverse("structures:detail", args=[kept.pk])).content.decode()
    assert "fusionnée ici" in detail


def test_merge_into_itself_is_refused(personas, client_for, pair):
    kept, _ = pair
    url = reverse("structures:merge", args=[kept.pk])
    response = client_for(personas.admin).post(url, {"merged": str(kept.pk), "confirm": "1"})
    assert "elle-même" in response.content.decode()


def test_merge_page_suggests_likely_duplicates(personas, client_for):
    kept = StructureFactory(name="Les Amis du Livre")
    twin = StructureFactory(name="Amis du livre")
    response = client_for(personas.national).get(reverse("structures:merge", args=[kept.pk]))
    assert [c.pk for c in response.context["candidates"]] == [twin.pk]


def test_moved_cases_and_contacts_get_a_history_row_naming_who_merged(personas, pair):
    kept, merged = pair
    contact = ContactFactory(structure=merged)
    case = AccompagnementFactory(structure=merged, officer=personas.officer_a)
    merge_structures(kept=kept, merged=merged, by=personas.national, confirmed={"siren", "rna"})
    case_row = case.history.order_by("-history_id").first()
    contact_row = contact.history.order_by("-history_id").first()
    assert (case_row.structure_id, case_row.history_user) == (kept.pk, personas.national)
    assert (contact_row.structure_id, contact_row.history_user) == (kept.pk, personas.national)
