import pytest
from django.urls import reverse

from structures.models import Structure
from tests.accompagnements.factories import AccompagnementFactory
from tests.structures.factories import ContactFactory, StructureFactory

LIST_URL = reverse("structures:list")


def detail_url(structure):
    return reverse("structures:detail", args=[structure.pk])


@pytest.fixture
def rennes(personas):
    return StructureFactory(name="Théâtre de l'Élan", commune="Rennes")


@pytest.fixture
def brest(personas):
    return StructureFactory(name="Club de Voile", in_finistere=True)


@pytest.fixture
def nantes(personas):
    return StructureFactory(name="Ressourcerie Nantaise", in_loire_atlantique=True)


class TestListPage:
    def test_officer_sees_only_structures_of_their_department(
        self, personas, client_for, rennes, brest, nantes
    ):
        response = client_for(personas.officer_a).get(LIST_URL)
        assert response.status_code == 200
        names = [row.record.name for row in response.context["table"].paginated_rows]
        assert names == [rennes.name]

    def test_officer_also_sees_a_structure_their_dla_has_a_case_on(
        self, personas, client_for, rennes, nantes
    ):
        AccompagnementFactory(structure=nantes, officer=personas.officer_a)
        response = client_for(personas.officer_a).get(LIST_URL)
        names = {row.record.name for row in response.context["table"].paginated_rows}
        assert names == {rennes.name, nantes.name}

    def test_coordinator_sees_their_region(self, personas, client_for, rennes, brest, nantes):
        response = client_for(personas.coordinator).get(LIST_URL)
        names = {row.record.name for row in response.context["table"].paginated_rows}
        assert names == {rennes.name, brest.name}

    def test_national_sees_everything(self, personas, client_for, rennes, brest, nantes):
        response = client_for(personas.national).get(LIST_URL)
        assert response.context["total"] == 3

    def test_anonymous_is_sent_to_login(self, personas, client_for):
        response = client_for(personas.anonymous).get(LIST_URL)
        assert response.status_code == 302
        assert reverse("login") in response.url

    def test_search_ignores_accents_and_case(self, personas, client_for, rennes):
        response = client_for(personas.officer_a).get(LIST_URL, {"q": "THEATRE elan"})
        assert [r.record.pk for r in response.context["table"].paginated_rows] == [rennes.pk]

    def test_search_finds_a_siret_typed_with_spaces(self, personas, client_for, rennes):
        spaced = " ".join(
            [rennes.siret[:3], rennes.siret[3:6], rennes.siret[6:9], rennes.siret[9:]]
        )
        response = client_for(personas.officer_a).get(LIST_URL, {"q": spaced})
        assert response.context["total"] == 1

    def test_search_finds_rna_and_commune(self, personas, client_for, rennes, brest):
        client = client_for(personas.coordinator)
        assert client.get(LIST_URL, {"q": rennes.rna.lower()}).context["total"] == 1
        assert client.get(LIST_URL, {"q": "brest"}).context["total"] == 1

    def test_filters_by_size_class_and_open_case(self, personas, client_for):
        none = StructureFactory(headcount=0, cdi_count=0, cdd_count=0)
        big = StructureFactory(headcount=60)
        AccompagnementFactory(structure=big, officer=personas.officer_a)
        client = client_for(personas.officer_a)
        assert client.get(LIST_URL, {"size_class": "0"}).context["total"] == 1
        response = client.get(LIST_URL, {"size_class": "50+"})
        assert [r.record.pk for r in response.context["table"].paginated_rows] == [big.pk]
        response = client.get(LIST_URL, {"open_case": "oui"})
        assert [r.record.pk for r in response.context["table"].paginated_rows] == [big.pk]
        response = client.get(LIST_URL, {"open_case": "non"})
        assert [r.record.pk for r in response.context["table"].paginated_rows] == [none.pk]

    def test_rows_show_whether_a_case_is_open(self, personas, client_for, rennes):
        AccompagnementFactory(structure=rennes, officer=personas.officer_a)
        StructureFactory(name="Sans accompagnement")
        response = client_for(personas.officer_a).get(LIST_URL)
        cells = {
            row.record.name: row.get_cell("has_open_case")
            for row in response.context["table"].paginated_rows
        }
        assert cells == {rennes.name: "oui", "Sans accompagnement": "—"}

    def test_filters_by_qpv_department_and_sector(self, personas, client_for, rennes, brest):
        StructureFactory(in_qpv=True, sector="sport")
        client = client_for(personas.coordinator)
        assert client.get(LIST_URL, {"in_qpv": "oui"}).context["total"] == 1
        assert client.get(LIST_URL, {"sector": "sport"}).context["total"] == 1
        assert (
            client.get(LIST_URL, {"departement": personas.departement_b.pk}).context["total"] == 1
        )

    def test_sorting_by_headcount_descending(self, personas, client_for):
        StructureFactory(name="A", headcount=1, cdi_count=0, cdd_count=0)
        StructureFactory(name="B", headcount=30)
        response = client_for(personas.officer_a).get(LIST_URL, {"sort": "-headcount"})
        assert [r.record.name for r in response.context["table"].paginated_rows] == ["B", "A"]

    def test_htmx_request_gets_only_the_results_fragment(self, personas, client_for, rennes):
        response = client_for(personas.officer_a).get(LIST_URL, headers={"HX-Request": "true"})
        content = response.content.decode()
        assert 'id="structures-results"' in content
        assert "<html" not in content
        assert "HX-Request" in response["Vary"]

    def test_htmx_history_restore_gets_the_whole_page(self, personas, client_for, rennes):
        response = client_for(personas.officer_a).get(
            LIST_URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
        )
        assert "<html" in response.content.decode()

    def test_page_without_javascript_has_a_plain_get_form_and_links(
        self, personas, client_for, rennes
    ):
        content = client_for(personas.officer_a).get(LIST_URL).content.decode()
        assert 'method="get"' in content
        assert "?sort=name" in content or "sort=-name" in content

    def test_second_page_is_served(self, personas, client_for):
        StructureFactory.create_batch(55)
        response = client_for(personas.officer_a).get(LIST_URL, {"page": 2})
        assert len(list(response.context["table"].paginated_rows)) == 5

    @pytest.mark.parametrize("count", [1, 200])
    def test_list_query_count_does_not_grow_with_rows(
        self, personas, client_for, django_assert_num_queries, count
    ):
        for structure in StructureFactory.create_batch(count):
            if structure.pk % 3 == 0:
                AccompagnementFactory(structure=structure, officer=personas.officer_a)
        client = client_for(personas.officer_a)
        # the user with their DLA and the navigation's unread reminders (the session is read from
        # the cache), departement choices, page with its count, open cases of the page,
        # can-create check
        with django_assert_num_queries(5):
            response = client.get(LIST_URL)
        assert response.status_code == 200

    @pytest.mark.parametrize("persona", ["coordinator", "national"])
    def test_region_and_nation_count_apart_from_the_page(
        self, personas, client_for, django_assert_num_queries, persona
    ):
        # Their lists walk the name index and stop at the page: a count of their own.
        StructureFactory.create_batch(3)
        client = client_for(getattr(personas, persona))
        # user, page, open cases of the page, count, departement choices, and for a
        # coordinator the can-create check (a national operator creates no structure)
        with django_assert_num_queries(6 if persona == "coordinator" else 5):
            response = client.get(LIST_URL)
        assert response.context["total"] == 3


class TestListTotal:
    """The count above the list: an officer's read with the page's rows, anyone else's
    by a count of its own; the same figure either way, on every page."""

    def test_officer_counts_department_and_dla_cases_on_every_page(
        self, personas, client_for, rennes, brest, nantes
    ):
        # Ille-et-Vilaine: rennes and 54 more; nantes (Loire-Atlantique) through a case
        # of the officer's DLA; brest (Finistère) not theirs. 56, pages of 50 and 6.
        StructureFactory.create_batch(54)
        AccompagnementFactory(structure=nantes, officer=personas.officer_a)
        client = client_for(personas.officer_a)
        first = client.get(LIST_URL)
        second = client.get(LIST_URL, {"page": 2})
        assert (first.context["total"], second.context["total"]) == (56, 56)
        assert len(list(second.context["table"].paginated_rows)) == 6
        assert "<strong>56</strong> structures" in first.content.decode()

    def test_officer_count_follows_the_filter(self, personas, client_for, rennes, nantes):
        StructureFactory(name="Ressourcerie Rennaise")
        client = client_for(personas.officer_a)
        assert client.get(LIST_URL, {"q": "ressourcerie"}).context["total"] == 1
        assert client.get(LIST_URL, {"q": "ressourcerie", "page": 1}).context["total"] == 1
        nothing = client.get(LIST_URL, {"q": "introuvable"})
        assert nothing.context["total"] == 0
        assert "<strong>0</strong> structure" in nothing.content.decode()

    def test_coordinator_counts_their_region(self, personas, client_for, rennes, brest, nantes):
        # Bretagne: rennes (Ille-et-Vilaine), brest (Finistère) and 51 more; not nantes.
        StructureFactory.create_batch(51)
        client = client_for(personas.coordinator)
        assert client.get(LIST_URL).context["total"] == 53
        assert client.get(LIST_URL, {"page": 2}).context["total"] == 53


class TestDetailPage:
    def test_shows_identity_contacts_cases_and_history(self, personas, client_for, rennes):
        ContactFactory(structure=rennes, first_name="Awa", last_name="Diallo")
        case = AccompagnementFactory(structure=rennes, officer=personas.officer_a)
        rennes.headcount = 8
        rennes.save()
        response = client_for(personas.officer_a).get(detail_url(rennes))
        content = response.content.decode()
        assert response.status_code == 200
        assert "Awa Diallo" in content
        assert "accueil" in content
        assert "effectif salarié" in content  # the changed field, in the history
        assert len(response.context["cases"]) == 1
        assert reverse("accompagnements:detail", args=[case.pk]) in content

    def test_officer_of_other_department_gets_404(self, personas, client_for, rennes):
        response = client_for(personas.other_officer).get(detail_url(rennes))
        assert response.status_code == 404

    def test_officer_of_same_region_other_department_gets_404(self, personas, client_for, rennes):
        assert client_for(personas.officer_b).get(detail_url(rennes)).status_code == 404

    def test_coordinator_of_other_region_gets_404(self, personas, client_for, rennes):
        assert client_for(personas.other_coordinator).get(detail_url(rennes)).status_code == 404

    def test_coordinator_of_region_can_read(self, personas, client_for, rennes):
        assert client_for(personas.coordinator).get(detail_url(rennes)).status_code == 200

    @pytest.mark.parametrize("count", [1, 200])
    def test_detail_query_count_does_not_grow_with_rows(
        self, personas, client_for, django_assert_num_queries, count
    ):
        structure = StructureFactory()
        ContactFactory.create_batch(count, structure=structure)
        for i in range(count):
            structure.headcount = 10 + i
            structure.save()
        AccompagnementFactory(structure=structure, officer=personas.officer_a)
        client = client_for(personas.officer_a)
        # the user with their DLA and the navigation's unread reminders (the session: cache),
        # structure, contacts, cases, DLAs holding an open case the reader may not open, history,
        # merges, can-edit, may-open-a-case
        with django_assert_num_queries(9):
            response = client.get(detail_url(structure))
        assert response.status_code == 200


class TestAccessToWrites:
    @pytest.mark.parametrize(
        ("persona", "expected"),
        [
            ("officer_a", 200),
            ("officer_b", 404),
            ("coordinator", 403),
            ("other_coordinator", 404),
            ("other_officer", 404),
            ("national", 403),
            ("admin", 200),
        ],
    )
    def test_update_page_per_persona(self, personas, client_for, rennes, persona, expected):
        user = getattr(personas, persona)
        url = reverse("structures:update", args=[rennes.pk])
        assert client_for(user).get(url).status_code == expected

    @pytest.mark.parametrize(
        ("persona", "expected"),
        [("officer_a", 200), ("coordinator", 403), ("national", 403), ("officer_b", 404)],
    )
    def test_contacts_page_per_persona(self, personas, client_for, rennes, persona, expected):
        url = reverse("structures:contacts", args=[rennes.pk])
        assert client_for(getattr(personas, persona)).get(url).status_code == expected

    def test_officer_can_edit_a_structure_of_another_department_their_dla_follows(
        self, personas, client_for, nantes
    ):
        AccompagnementFactory(structure=nantes, officer=personas.officer_a)
        url = reverse("structures:update", args=[nantes.pk])
        assert client_for(personas.officer_a).get(url).status_code == 200

    def test_national_cannot_create(self, personas, client_for):
        response = client_for(personas.national).get(reverse("structures:create"))
        assert response.status_code == 403

    def test_contacts_formset_adds_and_deletes(self, personas, client_for, rennes):
        old = ContactFactory(structure=rennes)
        url = reverse("structures:contacts", args=[rennes.pk])
        data = {
            "contacts-TOTAL_FORMS": "2",
            "contacts-INITIAL_FORMS": "1",
            "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "50",
            "contacts-0-id": old.pk,
            "contacts-0-structure": rennes.pk,
            "contacts-0-first_name": old.first_name,
            "contacts-0-last_name": old.last_name,
            "contacts-0-DELETE": "on",
            "contacts-1-first_name": "Lina",
            "contacts-1-last_name": "Martin",
            "contacts-1-role": "Trésorière",
            "contacts-1-email": "lina@example.org",
        }
        response = client_for(personas.officer_a).post(url, data)
        assert response.status_code == 302
        assert [str(c) for c in rennes.contacts.all()] == ["Lina Martin"]


def test_structure_count_is_untouched_by_reads(personas, client_for, rennes):
    client_for(personas.officer_a).get(detail_url(rennes))
    assert Structure.objects.count() == 1


def test_detail_page_of_a_structure_without_history_rows(personas, client_for):
    # Bulk-loaded records (seeding, imports of old data) may have no history yet.
    structure = StructureFactory(name="Sans historique")
    structure.history.all().delete()
    response = client_for(personas.officer_a).get(f"/structures/{structure.pk}/")
    assert response.status_code == 200
    assert "Sans historique" in response.text
