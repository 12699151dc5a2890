import pytest

from structures.models import Contact, Structure
from territoires.policy import departements_open_to_new_structures
from tests.accompagnements.factories import AccompagnementFactory
from tests.structures.factories import ContactFactory, StructureFactory


@pytest.fixture
def contacts(personas):
    return {
        "rennes": ContactFactory(structure=StructureFactory()),
        "brest": ContactFactory(structure=StructureFactory(in_finistere=True)),
        "nantes": ContactFactory(structure=StructureFactory(in_loire_atlantique=True)),
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("officer_a", {"rennes"}),
        ("officer_b", {"brest"}),
        ("coordinator", {"rennes", "brest"}),
        ("other_coordinator", {"nantes"}),
        ("national", {"rennes", "brest", "nantes"}),
        ("anonymous", set()),
    ],
)
def test_contacts_are_visible_through_their_structure(personas, contacts, persona, expected):
    visible = set(Contact.objects.visible_to(getattr(personas, persona)))
    assert visible == {contacts[name] for name in expected}


def test_officer_edits_contacts_of_a_structure_their_dla_follows(personas, contacts):
    nantes = contacts["nantes"].structure
    assert not Contact.objects.editable_by(personas.officer_a).filter(structure=nantes).exists()
    AccompagnementFactory(structure=nantes, officer=personas.officer_a)
    assert Contact.objects.editable_by(personas.officer_a).filter(structure=nantes).exists()


@pytest.mark.parametrize(
    ("persona", "codes"),
    [
        ("officer_a", {"35"}),
        ("coordinator", {"22", "29", "35", "56"}),
        ("national", set()),
        ("anonymous", set()),
    ],
)
def test_where_each_persona_may_register_a_structure(personas, persona, codes):
    allowed = departements_open_to_new_structures(getattr(personas, persona))
    assert set(allowed.values_list("code", flat=True)) == codes


def test_search_text_follows_saves(personas):
    structure = StructureFactory(name="Œuvre Sainte-Thérèse", commune="Saint-Brieuc")
    assert structure.search_text.startswith("oeuvre sainte therese")
    assert Structure.objects.search("SAINTE thérèse brieuc").get() == structure
    assert not Structure.objects.search("inexistant").exists()
