"""A heavy case page (50 exchanges, 20 documents, 10 tasks) costs what a light one does,
within the 15-query page budget (docs/benchmarks.md): the timeline and what was sent
outside the DLA are fragments loaded after the page (views/case_fragments.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnements.services.echanges import add_task, log_exchange
from accompagnements.services.passation import reassign
from tests.accompagnements.factories import AccompagnementFactory
from tests.accounts.factories import UserFactory
from tests.dossiers.factories import case_document
from tests.structures.factories import ContactFactory

# The case page: the user with their DLA and the navigation's count of unread reminders (1, one
# query: accounts.backends; the session is read from the cache); the case with its
# structure, officer, DLA, diagnostic, parcours, last contact and whether the reader may write it
# (1); plan actions, follow-ups, comité reviews (3); tasks (1); the documents of the case and of its
# structure (1) and their versions (1); the structure's contacts (1); support actors of the
# réorientation form (1).
CASE_PAGE_QUERIES = 10
PAGE_BUDGET = 15
# The timeline fragment: the user with their DLA and unread reminders (1); the case, with
# whether it has exchanges with consultants or support actors and handovers (1); the
# journal (1); exchanges and their contacts and staff (3), not their consultants or support
# actors when it has none; documents, deleted ones included, with their versions (2); tasks
# (1); history of the case, its diagnostic and its parcours (3); the people of all these,
# by their names (1, timeline._give_people).
TIMELINE_QUERIES = 13
# A case handed over: its handovers (1) and their DLAs (1) besides; their people are read
# with the others' (timeline._load_passations).
TIMELINE_HANDOVER_QUERIES = TIMELINE_QUERIES + 2
# What was sent outside: the user with their DLA and unread reminders (1); the case (1); its
# ingénieries (1); handovers, emails, personal links (3) (their journal only when there are
# links).
OUTSIDE_QUERIES = 6
# A case in suivi with no document: the case page's queries less the documents' versions
# (none to read) and the réorientation form's actors (not offered in suivi).
SUIVI_PAGE_QUERIES = CASE_PAGE_QUERIES - 2


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


def _writes(captured) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(verbs)]


@pytest.mark.parametrize(("exchanges", "documents", "tasks"), [(1, 1, 1), (50, 20, 10)])
def test_a_heavy_case_page_and_its_fragments_cost_what_a_light_one_does(
    client_for, personas, django_assert_num_queries, exchanges, documents, tasks
):
    assert CASE_PAGE_QUERIES <= PAGE_BUDGET
    case = heavy_case(personas, exchanges, documents, tasks)
    client = client_for(personas.officer_a)
    with django_assert_num_queries(CASE_PAGE_QUERIES):
        page = client.get(reverse("accompagnements:detail", args=[case.pk]))
    assert page.status_code == 200
    # Every document and pending task is on the page itself.
    assert all(f">Document {n}</a>" in page.text for n in range(documents))
    assert page.text.count("— pour le ") == tasks

    htmx = {"HTTP_HX_REQUEST": "true"}
    with django_assert_num_queries(TIMELINE_QUERIES) as captured:
        timeline = client.get(reverse("accompagnements:timeline", args=[case.pk]), **htmx)
    assert timeline.status_code == 200
    assert timeline.text.count('class="timeline__entry') == exchanges + documents + tasks
    assert _writes(captured) == []

    with django_assert_num_queries(OUTSIDE_QUERIES) as captured:
        outside = client.get(reverse("accompagnements:exterieur", args=[case.pk]), **htmx)
    assert outside.status_code == 200
    assert "Aucun lien envoyé." in outside.text
    assert _writes(captured) == []


def test_the_page_links_to_its_fragments_which_open_as_pages_without_javascript(
    client_for, personas
):
    case = heavy_case(personas, 2, 0, 0)
    client = client_for(personas.officer_a)
    page = client.get(reverse("accompagnements:detail", args=[case.pk]), {"quoi": "taches"}).text
    timeline_url = reverse("accompagnements:timeline", args=[case.pk])
    outside_url = reverse("accompagnements:exterieur", args=[case.pk])
    # htmx loads them; the same address is a plain link for a browser without JavaScript,
    # and the page's filter (?quoi=) is handed over.
    assert f'hx-get="{timeline_url}?quoi=taches"' in page
    assert f'<a href="{timeline_url}?quoi=taches">' in page
    assert f'<a href="{outside_url}">' in page
    assert "Échange 0" not in page

    full = client.get(timeline_url)
    assert "<html" in full.text
    assert f'href="{case.get_absolute_url()}"' in full.text
    # Its own read of the case (views.common.timeline_queryset) still names the structure.
    assert f"Historique de l'accompagnement de {case.structure.name}" in full.text
    assert full.text.index("Échange 0") < full.text.index("Échange 1")  # newest first
    assert "HX-Request" in full["Vary"]
    fragment = client.get(timeline_url, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.text
    assert "Échange 0" in fragment.text
    assert "<html" in client.get(outside_url).text
    assert "<html" not in client.get(outside_url, HTTP_HX_REQUEST="true").text


def test_the_timeline_offers_edit_links_to_writers_only(client_for, personas):
    case = heavy_case(personas, 1, 0, 0)
    edit = reverse("accompagnements:echange_edit", args=[case.pk, case.echanges.get().pk])
    timeline_url = reverse("accompagnements:timeline", args=[case.pk])
    assert edit in client_for(personas.officer_a).get(timeline_url).text
    reader = client_for(personas.coordinator).get(timeline_url)
    assert reader.status_code == 200
    assert "Échange 0" in reader.text
    assert edit not in reader.text


def test_fragments_refuse_to_write(client_for, personas):
    case = heavy_case(personas, 0, 0, 0)
    client = client_for(personas.officer_a)
    for name in ("accompagnements:timeline", "accompagnements:exterieur"):
        assert client.post(reverse(name, args=[case.pk])).status_code == 405


@pytest.mark.parametrize("followups", [0, 1, 3])
def test_a_case_in_suivi_reads_its_follow_ups_once(
    client_for, personas, django_assert_num_queries, followups
):
    """The closing guard (a follow-up checkpoint recorded) reads the page's prefetch: no
    query of its own, whatever the number of checkpoints."""
    from accompagnements.models import State
    from tests.accompagnements.factories import FollowUpFactory

    case = AccompagnementFactory(officer=personas.officer_a, state=State.SUIVI)
    for _ in range(followups):
        FollowUpFactory(accompagnement=case)
    client = client_for(personas.officer_a)
    with django_assert_num_queries(SUIVI_PAGE_QUERIES) as captured:
        page = client.get(reverse("accompagnements:detail", args=[case.pk]))
    assert page.status_code == 200
    assert not any(
        "accompagnements_followup" in q["sql"] and "LIMIT 1" in q["sql"] for q in captured
    )
    assert ("Enregistrez un point de suivi" in page.text) is (followups == 0)


def test_the_timeline_names_its_people_from_their_name_columns_alone(
    client_for, personas, django_assert_num_queries
):
    """Users are read once for all the sources, with their names only
    (``timeline._give_people``): a name needing another column would cost a query per
    entry, which the count below would show."""
    case = heavy_case(personas, 2, 1, 1)
    colleague = UserFactory(
        username="colleague", first_name="Camille", last_name="Le Goff", dla=case.dla
    )
    nameless = UserFactory(username="sans-nom", first_name="", last_name="", dla=case.dla)
    reassign(case, to=colleague, by=personas.officer_a, reason="Congé")
    reassign(case, to=nameless, by=colleague, reason="Retour")
    client = client_for(nameless)
    with django_assert_num_queries(TIMELINE_HANDOVER_QUERIES):
        page = client.get(
            reverse("accompagnements:timeline", args=[case.pk]), HTTP_HX_REQUEST="true"
        )
    officer = f"{personas.officer_a.first_name} {personas.officer_a.last_name}"
    # Full names, or the username when there is none (User.__str__).
    assert f"Confié à Camille Le Goff (auparavant {officer})" in page.text
    assert "Confié à sans-nom (auparavant Camille Le Goff)" in page.text
    assert page.text.count(f" · {officer}") >= 2 + 1 + 1  # exchanges, document, task


def test_a_filtered_timeline_reads_its_source_alone(
    client_for, personas, django_assert_num_queries
):
    case = heavy_case(personas, 2, 3, 1)
    url = reverse("accompagnements:timeline", args=[case.pk])
    client = client_for(personas.officer_a)
    # The user with their DLA and unread reminders (1); the case (1); documents (1), their
    # versions (1) and the people who added them (1): neither the journal nor the
    # exchanges, tasks or histories.
    with django_assert_num_queries(5) as captured:
        page = client.get(url, {"quoi": "documents"}, HTTP_HX_REQUEST="true")
    assert page.text.count('class="timeline__entry') == 3
    # The filter shows the choice (its options written in Python, webinput's PlainSelect).
    assert '<option value="documents" selected>documents</option>' in page.text
    assert page.text.count(" selected>") == 1
    read = " ".join(q["sql"] for q in captured)
    assert "accompagnements_transitionlog" not in read
    assert 'FROM "accompagnements_echange" ' not in read
    assert 'FROM "accompagnements_tache"' not in read
