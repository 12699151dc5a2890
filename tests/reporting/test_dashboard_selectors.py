"""The dashboard's territory filters offer exactly what the policy lets each person read.

``reporting.views.dashboard._selectable`` reads them from the territory names the page has
already loaded (no query of its own): checked here against ``policy.readable_regions`` and
``policy.readable_departements`` for every persona, and against DOMAIN.md's rules written
out by hand (an officer reads their department, a coordinator and a regional funder their
region and its departments, national operators France).
"""

import pytest

from reporting.summaries import territory_names
from reporting.views.dashboard import _selectable
from territoires import policy
from territoires.models import Departement, Financeur, Region
from territoires.partners import Funder
from tests.accounts.factories import UserFactory
from tests.security.domain_rules import PERSONAS

BRETAGNE = {"22", "29", "35", "56"}


def offered(user):
    regions, departements = _selectable(user, territory_names("default"))
    return {code for code, _ in regions}, {code for code, _, _ in departements}


def readable(user):
    return (
        set(policy.readable_regions(user).values_list("code", flat=True)),
        set(policy.readable_departements(user).values_list("code", flat=True)),
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_filters_offer_what_the_policy_reads(personas, persona):
    user = getattr(personas, persona)
    assert offered(user) == readable(user)


def test_the_filters_follow_the_domain_rules(personas, django_assert_num_queries):
    every_region = set(Region.objects.values_list("code", flat=True))
    every_departement = set(Departement.objects.values_list("code", flat=True))
    assert len(every_region) == 18
    assert len(every_departement) == 101
    assert offered(personas.officer_a) == (set(), {"35"})
    assert offered(personas.other_officer) == (set(), {"44"})
    assert offered(personas.coordinator) == ({"53"}, BRETAGNE)
    assert offered(personas.financeur) == ({"53"}, BRETAGNE)
    assert offered(personas.national) == (every_region, every_departement)
    assert offered(personas.crdla) == (set(), set())
    # Once the names are loaded (one query) and the user's territory fetched, no query.
    names = territory_names("default")
    user = personas.financeur
    user.financeur.region  # noqa: B018  (fetched with the user's territory on a page)
    with django_assert_num_queries(0):
        _selectable(user, names)


def test_a_departmental_funder_is_offered_its_department_only(db):
    financeur = Financeur.objects.create(
        name="Conseil départemental de Loire-Atlantique",
        kind=Funder.DEPARTEMENT,
        departement=Departement.objects.get(code="44"),
    )
    user = UserFactory(username="gaelle", financeur_role=True, financeur=financeur)
    assert offered(user) == (set(), {"44"}) == readable(user)
