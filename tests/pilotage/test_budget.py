"""The ingénierie fund's arithmetic, with figures worked out by hand.

DLA Ille-et-Vilaine, convention 2024-2026 (calendar years). Ingénierie funds:
2024 État 20 000, Région 10 000; 2025 État 18 000, Région 12 000.

Lines (I1 under way, I2 finished, I3 later cancelled):
  L1 I1 État   6 000 on 2024-03-10      L4 I3 État 3 000 on 2024-09-15 (I3 cancelled)
  L2 I2 État   5 000 on 2024-06-01      L5 I1 Région 2 500 on 2024-11-20, line cancelled
  L3 I2 Région 4 000 on 2024-06-01      L6 I1 État 7 000 on 2025-02-01
  C1 correction of L1, -1 500, dated 2025-03-05 (counts in 2024, L1's year)
  C2 correction of L2,   +800, dated 2025-04-01 (counts in 2024; I2 finished: spent)

2024 État:   committed 6 000 + 5 000 - 1 500 + 800 = 10 300; spent 5 000 + 800 = 5 800;
             available 20 000 - 10 300 = 9 700; 51.5 %.
2024 Région: committed 4 000 (L5 cancelled); spent 4 000; available 6 000; 40.0 %.
2025 État:   committed 7 000; spent 0; available 11 000; 7 000 / 18 000 = 38.9 %.
"""

import datetime
from decimal import Decimal

import pytest

from accompagnements.models import IngenierieStatus
from pilotage import budget
from pilotage.models import Depassement
from pilotage.services import (
    CommitmentRefused,
    OverrunNotConfirmed,
    cancel_line,
    commit,
    correct_line,
)
from tests.accompagnements.factories import IngenierieFactory
from tests.pilotage.factories import contribute, convention, financeur

D = datetime.date


@pytest.fixture
def fund(personas):
    dla = personas.officer_a.dla
    made = convention(dla, 2024, 2026)
    etat = financeur("DREETS Bretagne", "etat")
    region = financeur("Région Bretagne", "region")
    contribute(made, 2024, etat, ingenierie=20000, running=50000)
    contribute(made, 2024, region, ingenierie=10000, running=15000)
    contribute(made, 2025, etat, ingenierie=18000)
    contribute(made, 2025, region, ingenierie=12000)
    return made


@pytest.fixture
def ledger(fund, personas):
    by = personas.officer_a
    # A cost above what these tests fund: the cost has its own check (issue 13,
    # tests/accompagnements/test_ingenierie_fundings.py); 4 days × 10 000 € = 40 000 €.
    i1 = IngenierieFactory(dla=by.dla, attributed=True, daily_rate=10_000)
    i2 = IngenierieFactory(dla=by.dla, finished=True, daily_rate=10_000)
    i3 = IngenierieFactory(dla=by.dla)
    lines = {
        "L1": commit(i1, funder="etat", amount=6000, committed_on=D(2024, 3, 10), by=by),
        "L2": commit(i2, funder="etat", amount=5000, committed_on=D(2024, 6, 1), by=by),
        "L3": commit(i2, funder="region", amount=4000, committed_on=D(2024, 6, 1), by=by),
        "L4": commit(i3, funder="etat", amount=3000, committed_on=D(2024, 9, 15), by=by),
        "L5": commit(i1, funder="region", amount=2500, committed_on=D(2024, 11, 20), by=by),
        "L6": commit(i1, funder="etat", amount=7000, committed_on=D(2025, 2, 1), by=by),
    }
    i3.status = IngenierieStatus.ANNULEE
    i3.save()
    cancel_line(lines["L5"], on=D(2025, 1, 15), reason="La Région finance autrement", by=by)
    lines["C1"] = correct_line(
        lines["L1"], amount=-1500, on=D(2025, 3, 5), reason="Une journée en moins", by=by
    )
    lines["C2"] = correct_line(
        lines["L2"], amount=800, on=D(2025, 4, 1), reason="Frais de déplacement", by=by
    )
    return lines


def _year(made, year):
    return budget.balance(made.years.get(year=year))


def test_balance_after_commitments_cancellations_and_a_later_correction(fund, ledger):
    y2024 = _year(fund, 2024)
    etat, region = y2024.line("etat"), y2024.line("region")
    assert (etat.fund, etat.committed, etat.spent) == (20000, Decimal("10300"), 5800)
    assert (etat.available, etat.rate, etat.alert) == (9700, Decimal("51.5"), "")
    assert (region.fund, region.committed, region.spent) == (10000, 4000, 4000)
    assert (region.available, region.rate) == (6000, Decimal("40.0"))
    total = y2024.total
    assert (total.fund, total.committed, total.spent, total.available) == (
        30000,
        14300,
        9800,
        15700,
    )


def test_a_correction_dated_next_year_leaves_next_years_fund_alone(fund, ledger):
    y2025 = _year(fund, 2025)
    etat = y2025.line("etat")
    assert (etat.fund, etat.committed, etat.spent, etat.available) == (18000, 7000, 0, 11000)
    assert etat.rate == Decimal("38.9")
    assert y2025.line("region").committed == 0
    assert y2025.total.committed == 7000


def test_alerts_at_80_and_100_percent(fund, ledger, personas):
    by = personas.officer_a
    ingenierie = ledger["L6"].ingenierie
    # 7 000 + 7 400 = 14 400 = 80 % of 18 000.
    commit(ingenierie, funder="etat", amount=7400, committed_on=D(2025, 5, 2), by=by)
    assert _year(fund, 2025).line("etat").alert == budget.Alert.NEAR
    # 14 400 + 3 600 = 18 000: the whole fund, not beyond it (no confirmation needed).
    commit(ingenierie, funder="etat", amount=3600, committed_on=D(2025, 5, 3), by=by)
    line = _year(fund, 2025).line("etat")
    assert (line.alert, line.available, line.rate) == (budget.Alert.FULL, 0, Decimal("100.0"))


def test_committing_beyond_the_fund_needs_a_confirmation_that_is_journaled(fund, ledger, personas):
    by = personas.officer_a
    ingenierie = ledger["L6"].ingenierie
    with pytest.raises(OverrunNotConfirmed) as refused:
        commit(ingenierie, funder="etat", amount=12000, committed_on=D(2025, 5, 1), by=by)
    assert "dépassement de 1\u202f000,00\u202f€" in str(refused.value)
    assert _year(fund, 2025).line("etat").committed == 7000  # nothing written
    assert not Depassement.objects.exists()

    line = commit(
        ingenierie,
        funder="etat",
        amount=12000,
        committed_on=D(2025, 5, 1),
        by=by,
        confirm_overrun=True,
    )
    journal = Depassement.objects.get()
    assert (journal.funding, journal.confirmed_by, journal.convention_year.year) == (line, by, 2025)
    assert (journal.fund, journal.committed_before, journal.amount, journal.overrun) == (
        18000,
        7000,
        12000,
        1000,
    )
    etat = _year(fund, 2025).line("etat")
    assert (etat.committed, etat.available, etat.rate) == (19000, -1000, Decimal("105.6"))


def test_a_positive_correction_is_checked_against_the_corrected_lines_year(fund, ledger, personas):
    # 2024 État: 10 300 committed of 20 000; +9 701 would reach 20 001.
    with pytest.raises(OverrunNotConfirmed):
        correct_line(
            ledger["L2"], amount=9701, on=D(2025, 6, 1), reason="Avenant", by=personas.officer_a
        )
    correct_line(
        ledger["L2"], amount=9700, on=D(2025, 6, 1), reason="Avenant", by=personas.officer_a
    )
    assert _year(fund, 2024).line("etat").available == 0


def test_a_correction_cannot_make_a_line_negative(fund, ledger, personas):
    # L1: 6 000 - 1 500 = 4 500 left.
    with pytest.raises(CommitmentRefused, match="4\u202f500,00"):
        correct_line(
            ledger["L1"], amount=-4501, on=D(2025, 6, 1), reason="x", by=personas.officer_a
        )


def test_a_commitment_outside_every_convention_year_draws_on_a_fund_of_zero(fund, ledger, personas):
    ingenierie = ledger["L6"].ingenierie
    with pytest.raises(OverrunNotConfirmed, match="aucune année de convention"):
        commit(
            ingenierie,
            funder="etat",
            amount=100,
            committed_on=D(2027, 1, 10),
            by=personas.officer_a,
        )
    commit(
        ingenierie,
        funder="etat",
        amount=100,
        committed_on=D(2027, 1, 10),
        by=personas.officer_a,
        confirm_overrun=True,
    )
    assert [line.amount for line in budget.uncovered_lines([ingenierie.dla_id])] == [100]
    assert Depassement.objects.get().convention_year is None


def test_cancelled_lines_and_their_corrections_cannot_be_corrected_again(ledger, personas):
    with pytest.raises(CommitmentRefused, match="annulée"):
        correct_line(ledger["L5"], amount=10, on=D(2025, 6, 1), reason="x", by=personas.officer_a)
    with pytest.raises(CommitmentRefused, match="origine"):
        cancel_line(ledger["C1"], on=D(2025, 6, 1), reason="x", by=personas.officer_a)


def test_balances_of_several_years_take_two_queries(fund, ledger, django_assert_num_queries):
    years = list(fund.years.all())
    # 1: contributions by year and funder type; 2: live lines by year and funder.
    with django_assert_num_queries(2):
        found = budget.balances(years)
    assert [found[y.pk].total.committed for y in years] == [14300, 7000, 0]


def test_another_dla_cannot_commit_on_this_ingenierie(ledger, personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        commit(
            ledger["L6"].ingenierie,
            funder="etat",
            amount=10,
            committed_on=D(2025, 1, 2),
            by=personas.officer_b,
        )
