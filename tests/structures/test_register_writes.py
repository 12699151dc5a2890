"""Registering and editing structures go through structures.services, with their author."""

import pytest
from django.core.exceptions import PermissionDenied

from structures.models import Contact, Structure
from structures.services import register_structure, save_contacts, update_structure
from tests.structures.factories import ContactFactory, StructureFactory


def unsaved(**traits):
    return StructureFactory.build(**traits)


def test_officer_registers_a_structure_of_their_department_with_its_history_author(personas):
    structure = register_structure(unsaved(name="Les Tisserands"), by=personas.officer_a)
    assert Structure.objects.get(pk=structure.pk).name == "Les Tisserands"
    assert structure.history.get().history_user == personas.officer_a


@pytest.mark.parametrize("persona", ["officer_b", "national", "other_coordinator"])
def test_registering_where_the_policy_does_not_open_it_is_refused_and_writes_nothing(
    personas, persona
):
    with pytest.raises(PermissionDenied):
        register_structure(unsaved(name="Hors champ"), by=getattr(personas, persona))
    assert not Structure.objects.filter(name="Hors champ").exists()


def test_edit_and_contacts_name_their_author(personas):
    structure = StructureFactory()
    gone = ContactFactory(structure=structure)
    gone_id = gone.pk
    structure.commune = "Saint-Malo"
    update_structure(structure, by=personas.officer_a)
    save_contacts(
        structure,
        changed=[Contact(first_name="Ana", last_name="Le Goff")],
        removed=[gone],
        by=personas.officer_a,
    )
    assert structure.history.order_by("-history_id").first().history_user == personas.officer_a
    assert [c.first_name for c in structure.contacts.all()] == ["Ana"]
    deletion = Contact.history.get(id=gone_id, history_type="-")
    assert deletion.history_user == personas.officer_a


def test_the_database_keeps_a_siret_registered_once_whatever_writes_it(personas):
    """structure_siret_unique, the partial unique index (structures 0008 drops the
    identifiers' other indexes by name and must leave it): a bulk write, which skips
    the services' checks, is refused too; blank SIRETs (associations with an RNA) are
    not unique."""
    from django.db import IntegrityError, transaction

    def bulk(*sirets):
        rows = [unsaved(siret=siret) for siret in sirets]
        for row in rows:
            row.region_id = row.departement.region_id  # save() sets it; bulk_create does not
        return Structure.objects.bulk_create(rows)

    StructureFactory(siret="73282932000074")
    with pytest.raises(IntegrityError, match="siret"), transaction.atomic():
        bulk("73282932000074")
    bulk("", "")
    assert Structure.objects.filter(siret="").count() == 2
