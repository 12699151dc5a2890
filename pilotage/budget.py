"""The ingénierie fund of a convention year: fund, committed, spent, available, by funder.

Rules (docs/pilotage.md):
- the fund of a convention year is the sum of its contributions' ingénierie amounts,
  by funder type (the funding body's type: État, Banque des Territoires…);
- a funding line of an ingénierie draws on the fund of the DLA's convention year
  whose period contains its commitment date (``committed_on``); a correction line
  draws on the year of the line it corrects, whatever its own date: it corrects that
  commitment, it is not a new one;
- a cancelled line, with its corrections, and the lines of a cancelled ingénierie
  commit nothing;
- spent: the lines of finished ingénieries (the mission is delivered and paid);
- alerts when 80 % then 100 % of a fund is committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from accompagnements.models import Funding, IngenierieStatus
from territoires.partners import Funder

from .models import Contribution, ConventionYear

ZERO = Decimal("0.00")
ALERT_AT = Decimal("0.80")
FULL_AT = Decimal("1.00")


class Alert:
    NONE = ""
    NEAR = "alerte"  # 80 % of the fund committed
    FULL = "epuise"  # 100 % or more

    LABELS = {NEAR: "80 % du fonds engagé", FULL: "fonds entièrement engagé"}


def alert_for(fund: Decimal, committed: Decimal) -> str:
    if committed <= 0:
        return Alert.NONE
    if fund <= 0 or committed >= fund * FULL_AT:
        return Alert.FULL
    if committed >= fund * ALERT_AT:
        return Alert.NEAR
    return Alert.NONE


@dataclass
class Line:
    """One funder's figures (or the total) for a convention year."""

    funder: str
    label: str
    fund: Decimal = ZERO
    committed: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return self.fund - self.committed

    @property
    def rate(self) -> Decimal | None:
        """Committed as a percentage of the fund (one decimal); None without a fund."""
        if self.fund <= 0:
            return None
        return (self.committed * 100 / self.fund).quantize(Decimal("0.1"))

    @property
    def alert(self) -> str:
        return alert_for(self.fund, self.committed)

    @property
    def alert_label(self) -> str:
        return Alert.LABELS.get(self.alert, "")

    def add(self, other: Line) -> None:
        self.fund += other.fund
        self.committed += other.committed
        self.spent += other.spent


@dataclass
class Balance:
    """A convention year's fund by funder, and the total."""

    year: ConventionYear | None
    lines: dict[str, Line] = field(default_factory=dict)

    def line(self, funder: str) -> Line:
        if funder not in self.lines:
            self.lines[funder] = Line(funder, _funder_label(funder))
        return self.lines[funder]

    @property
    def by_funder(self) -> list[Line]:
        return [self.lines[f] for f in Funder.values if f in self.lines]

    @property
    def total(self) -> Line:
        total = Line("", "Total")
        for line in self.lines.values():
            total.add(line)
        return total


def _funder_label(funder: str) -> str:
    return Funder(funder).label if funder in Funder.values else funder


def root_date() -> Coalesce:
    """The date a line is counted by: its own, or that of the line it corrects."""
    return Coalesce(F("corrects__committed_on"), F("committed_on"))


def year_of_line() -> Subquery:
    """The convention year (pk) of a funding line (outer row): of its DLA, containing its date."""
    return Subquery(
        ConventionYear.objects.filter(
            dla=OuterRef("ingenierie__dla"),
            starts_on__lte=OuterRef("counted_on"),
            ends_on__gte=OuterRef("counted_on"),
        ).values("pk")[:1]
    )


def live_lines() -> QuerySet[Funding]:
    """Lines that commit money: not cancelled (nor corrections of a cancelled line),
    not of a cancelled ingénierie."""
    return Funding.objects.filter(Funding.LIVE).exclude(ingenierie__status=IngenierieStatus.ANNULEE)


def _committed_rows(year_ids: Iterable[int] | None, dla_ids: Iterable[int] | None) -> QuerySet:
    lines = live_lines()
    if dla_ids is not None:
        lines = lines.filter(ingenierie__dla__in=list(dla_ids))
    lines = lines.alias(counted_on=root_date()).annotate(convention_year=year_of_line())
    if year_ids is not None:
        lines = lines.filter(convention_year__in=list(year_ids))
    return (
        lines.values("convention_year", "funder")
        .annotate(
            committed=Sum("amount"),
            spent=Sum("amount", filter=Q(ingenierie__status=IngenierieStatus.TERMINEE)),
        )
        .order_by()
    )


def balances(years: Iterable[ConventionYear]) -> dict[int, Balance]:
    """Balances of several convention years: two queries, whatever their number."""
    years = list(years)
    result = {year.pk: Balance(year) for year in years}
    if not years:
        return result
    contributions = (
        Contribution.objects.filter(convention_year__in=[y.pk for y in years])
        .values("convention_year", "financeur__kind")
        .annotate(fund=Sum("ingenierie_amount"))
        .order_by()
    )
    for row in contributions:
        result[row["convention_year"]].line(row["financeur__kind"]).fund += row["fund"] or ZERO
    dla_ids = {year.dla_id for year in years}
    for row in _committed_rows(result.keys(), dla_ids):
        line = result[row["convention_year"]].line(row["funder"])
        line.committed += row["committed"] or ZERO
        line.spent += row["spent"] or ZERO
    return result


def balance(year: ConventionYear) -> Balance:
    return balances([year])[year.pk]


def uncovered_lines(dla_ids: Iterable[int]) -> QuerySet:
    """Committed lines whose date falls in no convention year of their DLA (shown apart)."""
    return (
        live_lines()
        .filter(ingenierie__dla__in=list(dla_ids))
        .alias(counted_on=root_date())
        .annotate(convention_year=year_of_line())
        .filter(convention_year__isnull=True)
    )


def national_shares(year: int) -> list[FunderShare]:
    """Each funder type's contributions to all DLAs for convention year ``year`` (national)."""
    rows = (
        Contribution.objects.filter(convention_year__year=year)
        .values("financeur__kind")
        .annotate(running=Sum("running_amount"), ingenierie=Sum("ingenierie_amount"))
        .order_by()
    )
    return [
        FunderShare(row["financeur__kind"], row["running"] or ZERO, row["ingenierie"] or ZERO)
        for row in rows
    ]


@dataclass
class FunderShare:
    funder: str
    running: Decimal
    ingenierie: Decimal

    @property
    def label(self) -> str:
        return _funder_label(self.funder)

    @property
    def total(self) -> Decimal:
        return self.running + self.ingenierie


def shares(rows: list[FunderShare]) -> list[tuple[FunderShare, Decimal | None]]:
    """Rows in funder order with their share (%) of the grand total, one decimal."""
    grand = sum((row.total for row in rows), ZERO)
    ordered = sorted(rows, key=lambda r: Funder.values.index(r.funder))
    return [
        (row, (row.total * 100 / grand).quantize(Decimal("0.1")) if grand else None)
        for row in ordered
    ]


def by_dla(years: Iterable[ConventionYear]) -> dict[int, Balance]:
    """Balances keyed by DLA (one convention year each), for side-by-side tables."""
    found = balances(years)
    return {balance.year.dla_id: balance for balance in found.values() if balance.year}


def totals(balances_: Iterable[Balance]) -> Balance:
    """Several DLAs' balances added up by funder (a region, France)."""
    total = Balance(None)
    for item in balances_:
        for funder, line in item.lines.items():
            total.line(funder).add(line)
    return total


__all__ = [
    "Alert",
    "Balance",
    "FunderShare",
    "Line",
    "alert_for",
    "balance",
    "balances",
    "by_dla",
    "live_lines",
    "national_shares",
    "shares",
    "totals",
    "uncovered_lines",
]
