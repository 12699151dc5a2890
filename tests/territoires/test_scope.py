"""The scope helper gives each role exactly its territory (read wide, write narrow)."""

import pytest

from accompagnements.models import Accompagnement
from structures.models import Structure
from tests.accounts.factories import UserFactory, departmental_dla, regional_dla
from tests.structures.factories import StructureFactory


@pytest.fixture
def world(personas):
    rennes = StructureFactory(name="Rennes")
    brest = StructureFactory(name="Brest", in_finistere=True)
    nantes = StructureFactory(name="Nantes", in_loire_atlantique=True)
    # A Nantes structure followed by the Ille-et-Vilaine DLA (e.g. moved headquarters).
    followed = StructureFactory(name="Nantes suivie par 35", in_loire_atlantique=True)
    case_35 = Accompagnement.objects.create(
        structure=followed,
        dla=departmental_dla("35"),
        officer=personas.officer_a,
        opened_on="2026-01-05",
    )
    regional_case = Accompagnement.objects.create(
        structure=brest,
        dla=regional_dla("53"),
        officer=personas.coordinator,
        opened_on="2026-02-01",
    )
    return {
        "rennes": rennes,
        "brest": brest,
        "nantes": nantes,
        "followed": followed,
        "case_35": case_35,
        "regional_case": regional_case,
    }


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_officer_reads_their_department_and_what_their_dla_owns(personas, world):
    assert names(Structure.objects.visible_to(personas.officer_a)) == [
        "Nantes suivie par 35",
        "Rennes",
    ]
    assert names(Structure.objects.visible_to(personas.officer_b)) == ["Brest"]


def test_coordinator_reads_the_whole_region(personas, world):
    assert names(Structure.objects.visible_to(personas.coordinator)) == ["Brest", "Rennes"]
    assert names(Structure.objects.visible_to(personas.other_coordinator)) == [
        "Nantes",
        "Nantes suivie par 35",
    ]


def test_national_and_admin_read_everything(personas, world):
    assert Structure.objects.visible_to(personas.national).count() == 4
    assert Structure.objects.visible_to(personas.admin).count() == 4


def test_anonymous_and_users_without_dla_see_nothing(personas, world):
    assert not Structure.objects.visible_to(personas.anonymous).exists()
    orphan = UserFactory(username="orphan", dla=None)
    assert not Structure.objects.visible_to(orphan).exists()
    inactive = UserFactory(username="gone", is_active=False)
    assert not Structure.objects.visible_to(inactive).exists()


def test_officer_writes_cases_of_their_dla_only(personas, world):
    assert list(Accompagnement.objects.editable_by(personas.officer_a)) == [world["case_35"]]
    assert not Accompagnement.objects.editable_by(personas.officer_b).exists()


def test_coordinator_reads_region_cases_but_writes_only_regional_dla_cases(personas, world):
    visible = set(Accompagnement.objects.visible_to(personas.coordinator))
    assert visible == {world["regional_case"]}
    assert list(Accompagnement.objects.editable_by(personas.coordinator)) == [
        world["regional_case"]
    ]
    assert (
        not Accompagnement.objects.visible_to(personas.other_coordinator)
        .filter(pk=world["regional_case"].pk)
        .exists()
    )


def test_national_reads_all_cases_and_writes_none(personas, world):
    assert Accompagnement.objects.visible_to(personas.national).count() == 2
    assert not Accompagnement.objects.editable_by(personas.national).exists()


def test_admin_writes_everything(personas, world):
    assert Accompagnement.objects.editable_by(personas.admin).count() == 2
    assert Structure.objects.editable_by(personas.admin).count() == 4


def test_officer_writes_structures_of_their_department(personas, world):
    assert names(Structure.objects.editable_by(personas.officer_a)) == [
        "Nantes suivie par 35",
        "Rennes",
    ]
    assert not Structure.objects.editable_by(personas.national).exists()


def test_visible_structures_are_not_duplicated_by_several_cases(personas, world):
    world["case_35"].closed_on = "2026-03-01"
    Accompagnement.objects.filter(pk=world["case_35"].pk).update(state="cloture")
    Accompagnement.objects.create(
        structure=world["followed"],
        dla=departmental_dla("35"),
        officer=personas.officer_a,
        opened_on="2026-04-01",
    )
    assert Structure.objects.visible_to(personas.officer_a).count() == 2
