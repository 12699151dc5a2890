"""Pinned query counts: one row or many, the pages cost the same."""

import pytest
from django.urls import reverse

from accompagnements.models import State
from accompagnements.services import advance
from tests.accompagnements.factories import (
    AccompagnementFactory,
    DiagnosticFactory,
    FollowUpFactory,
    PlanActionFactory,
)
from tests.structures.factories import StructureFactory

# The user with their DLA and the navigation's count of unread reminders (1, one query:
# accounts.backends; the session is read from the cache), then the page's own queries.
LIST_QUERIES = 4
# The case page of a case in parcours: the user with their DLA and unread reminders (1); the case
# with its last contact and write right (1); plan actions, follow-ups, comité reviews,
# diagnostic axes (4); the transitions' conditions: ingénierie actions, any ingénierie (2); tasks,
# documents of the case and its structure (2; their versions only when there are some),
# the structure's contacts (1). The
# timeline and what was sent outside the DLA are fragments (test_case_file_queries.py
# pins them, and a heavy case).
CASE_PAGE_QUERIES = 11
# +1: my pending tasks (last contact is a subquery of the cases' query).
WORKBOARD_QUERIES = 3


def make_cases(personas, count, state=State.ACCUEIL):
    return [
        AccompagnementFactory(officer=personas.officer_a, state=state, structure=StructureFactory())
        for _ in range(count)
    ]


@pytest.mark.parametrize("count", [1, 25])
def test_case_list_query_count_does_not_grow_with_rows(
    client_for, personas, django_assert_num_queries, count
):
    make_cases(personas, count)
    client = client_for(personas.officer_a)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("accompagnements:list"), {"state": "accueil"})
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_case_page_query_count_does_not_grow_with_its_content(
    client_for, personas, django_assert_num_queries, count
):
    case = AccompagnementFactory(officer=personas.officer_a, state=State.DIAGNOSTIC)
    DiagnosticFactory(accompagnement=case, validated=True)
    case = advance(case, "start_parcours", by=personas.officer_a)
    for _ in range(count):
        PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie__attributed=True)
        PlanActionFactory(accompagnement=case)
        FollowUpFactory(accompagnement=case)
    client = client_for(personas.officer_a)
    with django_assert_num_queries(CASE_PAGE_QUERIES):
        response = client.get(reverse("accompagnements:detail", args=[case.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 15])
def test_workboard_query_count_does_not_grow_with_cases(
    client_for, personas, django_assert_num_queries, count
):
    for state in State.OPEN:
        make_cases(personas, count, state=state)
    client = client_for(personas.officer_a)
    with django_assert_num_queries(WORKBOARD_QUERIES):
        response = client.get(reverse("accompagnements:workboard"))
    assert response.status_code == 200


def _registers(personas, count):
    from accompagnements.models import ComiteReview
    from tests.accompagnements.factories import (
        ActeurAppuiFactory,
        ComiteAppuiFactory,
        IngenierieFactory,
        PrestataireFactory,
    )

    ingenierie = IngenierieFactory(attributed=True)
    comite = ComiteAppuiFactory(dla=personas.officer_a.dla)
    for case in make_cases(personas, count):
        PrestataireFactory()
        ActeurAppuiFactory()
        PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie=ingenierie)
        ComiteReview.objects.create(comite=comite, accompagnement=case, opinion="favorable")
    return {
        "accompagnements:prestataires": [],
        "accompagnements:acteurs": [],
        "accompagnements:comites": [],
        "accompagnements:comite": [comite.pk],
        "accompagnements:ingenierie": [ingenierie.pk],
        "accompagnements:notifications": [],
    }


REGISTER_QUERIES = {
    "accompagnements:prestataires": 3,
    "accompagnements:acteurs": 4,
    "accompagnements:comites": 2,
    "accompagnements:comite": 5,
    # +1: its documents (dossiers), versions read only when there are some.
    "accompagnements:ingenierie": 8,
    # +1: the reminders resolved recently (listed apart); no digest subscription any more.
    "accompagnements:notifications": 3,
}


@pytest.mark.parametrize("count", [1, 10])
@pytest.mark.parametrize("name", sorted(REGISTER_QUERIES))
def test_register_pages_query_count_does_not_grow_with_rows(
    client_for, personas, django_assert_num_queries, count, name
):
    args = _registers(personas, count)[name]
    client = client_for(personas.officer_a)
    with django_assert_num_queries(REGISTER_QUERIES[name]):
        response = client.get(reverse(name, args=args))
    assert response.status_code == 200
