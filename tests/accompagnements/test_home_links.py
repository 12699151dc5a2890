"""Home-page counters open the list they count (issue 17)."""

from django.urls import reverse

from tests.accompagnements.factories import AccompagnementFactory


def test_an_officers_counters_link_to_their_filtered_lists(client_for, personas):
    AccompagnementFactory(officer=personas.officer_a)
    page = client_for(personas.officer_a).get(reverse("home")).text
    cases = reverse("accompagnements:list")
    me = personas.officer_a.pk
    assert f'href="{cases}?state=accueil&amp;officer={me}"' in page
    assert f'href="{cases}?overdue=true&amp;officer={me}"' in page
    assert f'href="{reverse("accompagnements:notifications")}">0 rappel non lu</a>' in page


def test_a_coordinators_department_counts_link_to_the_department_list(client_for, personas):
    AccompagnementFactory(officer=personas.officer_a)
    page = client_for(personas.coordinator).get(reverse("home")).text
    cases = reverse("accompagnements:list")
    link = f'<a href="{cases}?state=accueil&amp;departement={personas.departement_a.pk}">1</a>'
    assert link in page
    # The list it opens shows that case to the coordinator.
    response = client_for(personas.coordinator).get(
        cases, {"state": "accueil", "departement": personas.departement_a.pk}
    )
    assert response.context["table"].rows[0].record.officer == personas.officer_a
