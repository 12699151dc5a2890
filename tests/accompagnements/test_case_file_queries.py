"""A heavy case page (50 exchanges, 20 documents, 10 tasks) costs what a light one does."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnements.services.echanges import add_task, log_exchange
from tests.accompagnements.factories import AccompagnementFactory
from tests.dossiers.factories import case_document
from tests.structures.factories import ContactFactory

# The case page with exchanges and documents (test_query_counts.py pins a case without):
#   session, user, the user's DLA (3); the case with its structure, officer, DLA,
#   diagnostic, parcours (1); journal, plan actions, follow-ups, comité reviews (4);
#   writable check (1); outside the DLA: handovers, emails, links (3); the structure's
#   contacts (1); tasks (1);
#   documents, their versions with uploader (2); exchanges, their contacts, staff,
#   prestataires, acteurs (5); handovers (1); history of the case, diagnostic, parcours
#   (3); the structure's own documents (1, none here); support actors of the réorientation
#   form (1).
CASE_FILE_QUERIES = 27


def heavy_case(personas, exchanges, documents, tasks):
    case = AccompagnementFactory(
        officer=personas.officer_a, opened_on=timezone.localdate() - datetime.timedelta(days=400)
    )
    contact = ContactFactory(structure=case.structure)
    for n in range(exchanges):
        log_exchange(
            case,
            by=personas.officer_a,
            occurred_at=timezone.now() - datetime.timedelta(days=n + 1),
            kind="telephone" if n % 2 else "sur_place",
            subject=f"Échange {n}",
            contacts=[contact],
            staff=[personas.officer_a],
        )
    for n in range(documents):
        case_document(case, title=f"Document {n}")
    for n in range(tasks):
        add_task(
            case,
            by=personas.officer_a,
            title=f"Tâche {n}",
            due_on=timezone.localdate() + datetime.timedelta(days=n),
            assignee=personas.officer_a,
        )
    return case


@pytest.mark.parametrize(("exchanges", "documents", "tasks"), [(1, 1, 1), (50, 20, 10)])
def test_case_page_of_a_heavy_case_costs_the_same(
    client_for, personas, django_assert_num_queries, exchanges, documents, tasks
):
    case = heavy_case(personas, exchanges, documents, tasks)
    client = client_for(personas.officer_a)
    with django_assert_num_queries(CASE_FILE_QUERIES):
        response = client.get(reverse("accompagnements:detail", args=[case.pk]))
    assert response.status_code == 200
    assert response.text.count('class="timeline__entry') == exchanges + documents + tasks
