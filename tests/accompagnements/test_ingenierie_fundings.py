"""The ingénierie's fundings: a total row, what remains to fund, and fundings beyond the
cost only with an explicit confirmation (issue 13, item 6)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accompagnements.models import Funding
from pilotage.services.engagements import (
    BEYOND_COST_REASON,
    BeyondCostNotConfirmed,
    cancel_line,
    commit,
    correct_line,
)
from tests.accompagnements.factories import IngenierieFactory

pytestmark = pytest.mark.django_db

D = datetime.date
NBSP = "\xa0"  # Django's French thousands separator


@pytest.fixture
def ingenierie(personas):
    # 4 days × 1 000 € = 4 000,00 € of cost.
    return IngenierieFactory(dla=personas.officer_a.dla, attributed=True)


def _commit(ingenierie, by, amount, funder="etat", **extra):
    # No convention year in these tests: the fund is zero, its overrun confirmed each time
    # (tests/pilotage/test_budget.py covers the fund).
    return commit(
        ingenierie,
        funder=funder,
        amount=amount,
        committed_on=D(2025, 3, 1),
        by=by,
        confirm_overrun=True,
        **extra,
    )


def test_the_page_shows_the_total_and_what_remains_in_euros(ingenierie, personas, client_for):
    by = personas.officer_a
    assert ingenierie.cost == Decimal("4000.00")
    _commit(ingenierie, by, "1500.00")
    region = _commit(ingenierie, by, "1200.50", funder="region")
    correct_line(
        region,
        amount="-200.25",
        on=D(2025, 4, 1),
        reason="Un atelier en moins",
        by=by,
        confirm_overrun=True,
    )
    cancelled = _commit(ingenierie, by, "300.00", funder="departement")
    cancel_line(cancelled, on=D(2025, 4, 2), reason="Retiré", by=by)

    page = client_for(by).get(reverse("accompagnements:ingenierie", args=[ingenierie.pk])).text
    # 1 500,00 + 1 200,50 − 200,25 = 2 500,25 (the cancelled 300,00 does not count);
    # 4 000,00 − 2 500,25 = 1 499,75 left to fund.
    footer = page[page.index("<tfoot>") : page.index("</tfoot>")]
    assert "Total des financements" in footer
    assert f"2{NBSP}500,25 €" in footer
    assert f"4{NBSP}000,00 €" in footer
    assert "Reste à financer" in footer
    assert f"1{NBSP}499,75 €" in footer
    # The lines themselves in French too.
    assert f"1{NBSP}200,50" in page


def test_the_page_shows_fundings_beyond_the_cost(ingenierie, personas, client_for):
    by = personas.officer_a
    _commit(ingenierie, by, "4250.00", confirm_beyond_cost=True)
    page = client_for(by).get(reverse("accompagnements:ingenierie", args=[ingenierie.pk])).text
    footer = page[page.index("<tfoot>") : page.index("</tfoot>")]
    # 4 000,00 − 4 250,00: 250,00 beyond the cost.
    assert "Dépassement du coût" in footer
    assert "250,00 €" in footer
    assert "Reste à financer" not in footer


def test_without_a_cost_nothing_remains_to_compute(personas, client_for):
    ingenierie = IngenierieFactory(dla=personas.officer_a.dla)
    assert ingenierie.cost is None
    _commit(ingenierie, personas.officer_a, "800.00")
    page = (
        client_for(personas.officer_a)
        .get(reverse("accompagnements:ingenierie", args=[ingenierie.pk]))
        .text
    )
    footer = page[page.index("<tfoot>") : page.index("</tfoot>")]
    assert "800,00 €" in footer
    assert "coût non renseigné" in footer


def test_fundings_beyond_the_cost_need_a_confirmation_that_is_journaled(ingenierie, personas):
    by = personas.officer_a
    _commit(ingenierie, by, "3000.00")
    # 3 000 + 1 000 = 4 000: exactly the cost, no confirmation needed.
    _commit(ingenierie, by, "1000.00", funder="region")
    with pytest.raises(BeyondCostNotConfirmed) as refused:
        _commit(ingenierie, by, "0.01", funder="fse")
    assert refused.value.field == "confirm_beyond_cost"
    # 4 000,00 of cost, 4 000,00 funded, 0,01 more: 0,01 beyond.
    assert f"4{'\u202f'}000,00\u202f€ de coût" in str(refused.value)
    assert "dépassement de 0,01\u202f€" in str(refused.value)
    assert Funding.objects.filter(ingenierie=ingenierie).count() == 2  # nothing written

    line = _commit(ingenierie, by, "0.01", funder="fse", confirm_beyond_cost=True)
    row = line.history.get()
    assert (row.history_user, row.history_change_reason) == (by, BEYOND_COST_REASON)
    # A line within the cost carries no such mention.
    first = Funding.objects.get(ingenierie=ingenierie, funder="etat")
    assert first.history.get().history_change_reason is None


def test_a_correction_beyond_the_cost_needs_the_confirmation_too(ingenierie, personas):
    by = personas.officer_a
    line = _commit(ingenierie, by, "3900.00")
    kwargs = {"on": D(2025, 4, 1), "reason": "Avenant", "by": by, "confirm_overrun": True}
    with pytest.raises(BeyondCostNotConfirmed):
        correct_line(line, amount="100.01", **kwargs)  # 4 000,01 > 4 000,00
    correct_line(line, amount="100.00", **kwargs)  # exactly the cost
    # Lowering a line never needs it.
    correct_line(line, amount="-50.00", **kwargs)
    correct_line(line, amount="50.01", confirm_beyond_cost=True, **kwargs)
    assert Funding.objects.filter(ingenierie=ingenierie).count() == 4


def test_a_cancelled_line_frees_its_share_of_the_cost(ingenierie, personas):
    by = personas.officer_a
    line = _commit(ingenierie, by, "4000.00")
    cancel_line(line, on=D(2025, 4, 1), reason="Erreur de saisie", by=by)
    _commit(ingenierie, by, "4000.00", funder="region")  # no confirmation needed


def test_the_commitment_form_asks_for_the_confirmation(ingenierie, personas, client_for):
    client = client_for(personas.officer_a)
    url = reverse("pilotage:engagement_add", args=[ingenierie.pk])
    data = {
        "funder": "etat",
        "amount": "4500",
        "committed_on": "2025-03-01",
        "confirm_overrun": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "dépasseraient le coût" in response.context["form"].errors["confirm_beyond_cost"][0]
    assert not Funding.objects.filter(ingenierie=ingenierie).exists()
    response = client.post(url, {**data, "confirm_beyond_cost": "on"})
    assert response.status_code == 302
    assert Funding.objects.get(ingenierie=ingenierie).amount == Decimal("4500.00")
