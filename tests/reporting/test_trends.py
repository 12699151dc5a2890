"""Year over year: Y beside Y−1 on dashboards and in the PDF, the national series, and year
selectors limited to the years with data. Figures from known_answers.py, by hand."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting import campaigns, figures
from reporting.forms import ReportRequestForm
from reporting.indicators import Query, Scope
from reporting.report import render_html
from reporting.trends import years_with_data
from territoires.actors import SYSTEM
from territoires.models import Region

from .known_answers import build_known_answers


@pytest.fixture
def known(personas):
    return build_known_answers(personas)


def this_year():
    return timezone.localdate().year


def test_years_with_data_start_with_the_first_event(known, personas, client_for):
    # K8 was opened on 1 May 2023: the first journal event.
    expected = list(range(this_year(), 2022, -1))
    assert years_with_data() == expected
    client = client_for(personas.national)
    assert client.get(reverse("reporting:dashboard")).context["years"] == expected
    # A year without data is not offered, nor accepted.
    response = client.get(reverse("reporting:dashboard"), {"annee": 2019})
    assert response.context["year"] == this_year()
    form = ReportRequestForm(user=personas.national)
    assert [year for year, _ in form.fields["annee"].choices] == expected


def test_the_dashboard_shows_the_year_before(known, personas, client_for):
    response = client_for(personas.national).get(reverse("reporting:dashboard"), {"annee": 2025})
    assert response.context["previous_year"] == 2024
    key = {f.code: f for f in response.context["key_figures"]}
    # Structures accompanied: 9 in 2025, 4 in 2024 (K1, K3, K5, K8): +125 %.
    assert (key["ACT_STRUCTURES"].text, key["ACT_STRUCTURES"].previous_text) == ("9", "4")
    assert key["ACT_STRUCTURES"].change_text == "+125 %"
    # New cases: 7 in 2025, 3 in 2024 (K1, K3, K5): +133 %.
    assert key["ACT_NEW_CASES"].change_text == "+133 %"
    assert "2024 : 4 (+125 %)" in response.content.decode()


def test_the_year_before_is_read_from_its_snapshot_once_frozen(known, personas):
    campaigns.freeze_year(2024, by=SYSTEM)
    data = figures.build(Query(2025, Scope.national(), SYSTEM))
    assert data["previous"]["snapshot"]["version"] == 1
    assert data["previous"]["totals"]["ACT_STRUCTURES"] == 4


def test_national_operators_follow_france_year_by_year(known, personas, client_for):
    campaigns.freeze_year(2024, by=SYSTEM)
    response = client_for(personas.national).get(reverse("reporting:dashboard"), {"annee": 2025})
    series = response.context["series"]
    assert series.years == [2023, 2024, 2025]
    # 2024 is frozen; 2023 and 2025 are computed live.
    assert series.provisional == {2023, 2025}
    rows = {indicator.code: cells for indicator, cells in series.rows}
    # 2023: K8 only; 2024: K1, K3, K5, K8; 2025: the nine of test_known_answers.py.
    assert rows["ACT_STRUCTURES"] == ["1", "4", "9"]
    assert "Évolution nationale" in response.content.decode()
    # A coordinator's dashboard has no national series.
    response = client_for(personas.coordinator).get(reverse("reporting:dashboard"))
    assert response.context["series"] is None


def test_the_pdf_shows_the_year_before_within_the_disclosure_control(known):
    national = figures.build(Query(2025, Scope.national(), SYSTEM), public=True, series=True)
    html = render_html(national)
    assert "Évolution nationale" in html
    assert ">2024</th>" in html
    bretagne = Scope.for_region(Region.objects.get(code="53"))
    regional = figures.build(Query(2025, bretagne, SYSTEM), public=True)
    key = {f.code: f for f in figures.key_figures(regional, public=True)}
    # Bretagne in 2024: K1, K3 and K5, 3 structures: hidden as in 2024's own publication.
    assert key["ACT_STRUCTURES"].previous_text == "s"
    assert regional["series"] == []
