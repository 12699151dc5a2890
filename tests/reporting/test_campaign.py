"""The yearly campaign: opened by the national operator, checked by each DLA, followed by
coordinators. Counts are worked out by hand from known_answers.py."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accompagnements.models import Accompagnement
from reporting import campaigns, checklist
from reporting.indicators import Query, Scope, compute
from reporting.models import Campaign, DataCheck
from structures.models import Structure
from territoires.actors import SYSTEM
from tests.accounts.factories import departmental_dla, regional_dla
from tests.structures.factories import StructureFactory

from .known_answers import build_known_answers


@pytest.fixture
def known(personas):
    known = build_known_answers(personas)
    # K11 has been in accueil since June 2025 (30 days allowed): stuck in its phase.
    Accompagnement.objects.filter(pk=known.cases["k11"].pk).update(
        state_entered_at=datetime.datetime(2025, 6, 1, 10, tzinfo=datetime.UTC)
    )
    return known


def counts(result):
    return {r.check.code: r.count for r in result.results}


def test_the_checklist_of_a_dla_lists_what_would_make_its_figures_wrong(known, personas):
    result = checklist.for_dla(2025, departmental_dla("35"), personas.officer_a)
    # DLA 35's cases of 2025: K2, K3, K6, K10, K11, K12. K10's structure has no employee, no
    # FTE and no budget; K10's diagnostic has a date without its validator; K11 is stuck.
    # The collective ingénierie has its cost (6 days × 1,000 €) and a funder.
    assert counts(result) == {
        "secteur": 0,
        "taille": 1,
        "diagnostic": 1,
        "ingenierie": 0,
        "bloque": 1,
        "suivi": 0,
    }
    assert result.total == 3
    size = next(r for r in result.results if r.check.code == "taille")
    assert size.items[0].structure_pk == known.structures["k10"].pk
    # DLA 29 (K5, K7): nothing to fix.
    assert checklist.for_dla(2025, departmental_dla("29"), personas.officer_b).total == 0


def test_an_ingenierie_without_funders_and_a_structure_record_of_31_december_are_flagged(
    known, personas
):
    from accompagnements.models import Funding

    Funding.objects.all().delete()
    result = counts(checklist.for_dla(2025, departmental_dla("35"), personas.officer_a))
    assert result["ingenierie"] == 1
    # K10 registers its headcount today: the year's figures still read 31 December's record.
    k10 = Structure.objects.get(pk=known.structures["k10"].pk)
    k10.headcount, k10.fte, k10.cdi_count = 3, 2, 3
    k10.save()
    dla = departmental_dla("35")
    assert counts(checklist.for_dla(2025, dla, personas.officer_a))["taille"] == 1
    campaigns.apply_record_to_year_end(k10, 2025, by=personas.officer_a)
    assert counts(checklist.for_dla(2025, dla, personas.officer_a))["taille"] == 0
    # 110 jobs in 2025 (test_known_answers.py), K10 now 3.
    assert compute(Query(2025, Scope.national(), SYSTEM))["STR_JOBS"] == 113
    entry = k10.history.order_by("history_date").first()
    assert entry.history_user == personas.officer_a
    assert "31 décembre 2025" in entry.history_change_reason


def test_the_national_operator_opens_the_campaign_and_the_dla_marks_its_data(
    known, personas, client_for
):
    client = client_for(personas.national)
    response = client.post(reverse("reporting:campaign_open"), {"annee": 2025})
    assert response.url == reverse("reporting:campaign", kwargs={"year": 2025})
    campaign = Campaign.objects.get()
    assert campaign.cutoff_on == datetime.date(2026, 1, 31)
    assert campaign.opened_by == personas.national
    client = client_for(personas.officer_a)
    url = reverse(
        "reporting:campaign_check", kwargs={"year": 2025, "pk": departmental_dla("35").pk}
    )
    client.post(url)
    mark = DataCheck.objects.get()
    assert (mark.dla, mark.checked_by, mark.open_issues) == (
        departmental_dla("35"),
        personas.officer_a,
        3,
    )
    # The coordination reads the checklist of DLA 35 but may not mark it; a neighbour
    # department's officer does not see it.
    assert client_for(personas.coordinator).post(url).status_code == 403
    assert client_for(personas.officer_b).post(url).status_code == 404
    # Withdrawn, then the year is frozen: the campaign is closed.
    client = client_for(personas.officer_a)
    client.post(url, {"action": "retirer"})
    assert not DataCheck.objects.exists()
    campaigns.freeze_year(2025, by=SYSTEM)
    response = client.post(url, follow=True)
    assert not DataCheck.objects.exists()
    assert "figés" in response.content.decode()


def test_opening_refuses_a_future_year_and_a_second_campaign(known, personas):
    this_year = datetime.date.today().year
    with pytest.raises(campaigns.CampaignError, match="n'a pas commencé"):
        campaigns.open_campaign(this_year + 1, by=personas.national)
    campaigns.open_campaign(2025, by=personas.national)
    with pytest.raises(campaigns.CampaignError, match="déjà ouverte"):
        campaigns.open_campaign(2025, by=personas.national)
    with pytest.raises(campaigns.CampaignError, match="après le 31 décembre"):
        campaigns.open_campaign(2024, by=personas.national, cutoff_on=datetime.date(2024, 12, 1))


def test_coordinators_see_the_progress_of_their_dlas(known, personas, client_for):
    campaigns.open_campaign(2025, by=personas.national)
    campaigns.mark_checked(Campaign.objects.get(), departmental_dla("29"), by=personas.officer_b)
    response = client_for(personas.coordinator).get(
        reverse("reporting:campaign", kwargs={"year": 2025})
    )
    rows = {dla.name: (total, mark is not None) for dla, _, total, mark in response.context["rows"]}
    # The four departmental DLAs of Bretagne and the regional one; not Pays de la Loire's.
    assert rows[departmental_dla("35").name] == (3, False)
    assert rows[departmental_dla("29").name] == (0, True)
    assert rows[regional_dla("53").name] == (0, False)
    assert departmental_dla("44").name not in rows
    assert response.context["checked"] == 1


def test_the_campaign_page_query_count_does_not_grow_with_the_dlas_cases(
    known, personas, client_for
):
    client = client_for(personas.national)
    url = reverse("reporting:campaign", kwargs={"year": 2025})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(5):
        case = Accompagnement.objects.get(pk=known.cases["k11"].pk)
        Accompagnement.objects.create(
            structure=StructureFactory(headcount=0, fte=0),
            dla=case.dla,
            officer=case.officer,
            opened_on=datetime.date(2025, 9, 1),
        )
    # The user (the session is read from the cache), campaign, DLAs, one grouped count per
    # check (6), marks, versions.
    assert few == queries() == 10


def test_an_officer_works_on_their_own_checklist_not_the_progress_of_others(
    known, personas, client_for
):
    response = client_for(personas.officer_a).get(
        reverse("reporting:campaign", kwargs={"year": 2025})
    )
    assert response.context["rows"] == []
    page = response.content.decode()
    assert "Avancement des DLA" not in page
    own = reverse("reporting:campaign_dla", kwargs={"year": 2025, "pk": departmental_dla("35").pk})
    assert own in page
