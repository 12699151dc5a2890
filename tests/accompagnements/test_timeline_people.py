"""Each timeline entry names its own person: the sources are read without their people,
then the people of all of them in one query (``timeline._give_people``), so a relation
given the wrong person, or none, would show here."""

import datetime

from django.utils import timezone

from accompagnements import timeline
from accompagnements.services.cases import open_case
from accompagnements.services.echanges import add_task, log_exchange, set_task_done
from accompagnements.services.history import save_by
from accompagnements.services.passation import reassign
from dossiers.services.documents import add_version, delete_document
from tests.accounts.factories import UserFactory
from tests.dossiers.factories import case_document, upload
from tests.structures.factories import StructureFactory


def test_every_entry_names_the_person_of_its_own_relation(personas):
    def colleague(first_name):
        return UserFactory(
            username=f"frise-{first_name.lower()}",
            first_name=first_name,
            last_name="Le Du",
            dla=personas.officer_a.dla,
        )

    opener, writer, assigner, assignee, doer = (
        colleague(name) for name in ("Anne", "Bruno", "Chloé", "Denis", "Elsa")
    )
    adder, reviser, remover, editor, handing = (
        colleague(name) for name in ("Fanny", "Gaël", "Hugo", "Inès", "Jules")
    )
    now = timezone.now()
    case = open_case(
        StructureFactory(),
        by=opener,
        channel="structure",
        request="Consolider le modèle économique",
        officer=personas.officer_a,
        opened_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    log_exchange(
        case,
        by=writer,
        occurred_at=now - datetime.timedelta(days=8),
        kind="telephone",
        subject="Premier appel",
    )
    task = add_task(
        case, by=assigner, title="Relancer", due_on=timezone.localdate(), assignee=assignee
    )
    set_task_done(task, by=doer, done=True)
    kept = case_document(case, by=adder, title="Statuts")
    add_version(kept, upload=upload(), by=reviser)
    delete_document(case_document(case, by=adder, title="Brouillon"), by=remover, reason="Doublon")
    case.request = "Consolider la gouvernance"
    save_by(case, editor)
    reassign(case, to=assignee, by=handing, reason="Congé")

    who = {entry.title: str(entry.who) for entry in timeline.build(case)}

    due = f"{timezone.localdate():%d/%m/%Y}"
    assert who == {
        "Ouverture : accueil": "Anne Le Du",
        "Téléphone : Premier appel": "Bruno Le Du",
        f"Tâche : Relancer (pour le {due}, confiée à Denis Le Du)": "Chloé Le Du",
        "Tâche faite : Relancer": "Elsa Le Du",
        "Document ajouté : Statuts (statuts)": "Fanny Le Du",
        "Version 2 : Statuts (statuts)": "Gaël Le Du",
        "Document ajouté : Brouillon (statuts)": "Fanny Le Du",
        "Document supprimé : Brouillon": "Hugo Le Du",
        "Fiche de l'accompagnement modifié : demande de la structure": "Inès Le Du",
        # The opener was the case's officer; the handover also changed the case's record.
        "Confié à Denis Le Du (auparavant Anne Le Du)": "Jules Le Du",
        "Fiche de l'accompagnement modifié : chargé·e d'accompagnement": "Jules Le Du",
    }
