"""Committing the ingénierie fund: new lines, corrections, cancellations.

The one check "does this commitment fit in the fund?" lives here: the funding form,
the API and any import ask ``commit`` / ``correct_line``, which refuse a commitment
beyond the fund unless the person confirms it, and journal the confirmation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum

from accompagnements.models import Funding, Ingenierie, IngenierieStatus
from accompagnements.services.history import save_by
from territoires.models import Dla
from territoires.partners import Funder

from .. import budget
from ..models import ConventionYear, Depassement

MAX_AMOUNT = Decimal("9999999.99")


class CommitmentRefused(ValueError):
    """The commitment cannot be recorded; the message names the field in French."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class CommitmentCheck:
    """What a commitment does to one funder's fund of a convention year."""

    year: ConventionYear | None
    funder: str
    fund: Decimal
    committed_before: Decimal
    amount: Decimal

    @property
    def committed_after(self) -> Decimal:
        return self.committed_before + self.amount

    @property
    def exceeds(self) -> bool:
        return self.amount > 0 and self.committed_after > self.fund

    @property
    def alert(self) -> str:
        return budget.alert_for(self.fund, self.committed_after)

    def message(self) -> str:
        funder = Funder(self.funder).label if self.funder in Funder.values else self.funder
        where = (
            f"le fonds d'ingénierie {self.year.year} ({funder})"
            if self.year
            else f"le fonds d'ingénierie ({funder}) : aucune année de convention ne couvre "
            "cette date, le fonds est nul"
        )
        return (
            f"Cet engagement dépasse {where} : {_euros(self.committed_before)} déjà engagés "
            f"sur {_euros(self.fund)}, cet engagement {_euros(self.amount)}, dépassement de "
            f"{_euros(self.committed_after - self.fund)}. Cochez « Je confirme l'engagement "
            "au-delà du fonds » pour l'enregistrer."
        )


class OverrunNotConfirmed(CommitmentRefused):
    def __init__(self, check: CommitmentCheck):
        super().__init__(check.message(), field="confirm_overrun")
        self.check = check


@dataclass(frozen=True)
class FundingTotals:
    """What an ingénierie's funding lines commit, against its cost."""

    cost: Decimal | None
    funded: Decimal

    @property
    def remaining(self) -> Decimal | None:
        """Cost minus fundings: negative beyond the cost, ``None`` without a cost."""
        return None if self.cost is None else self.cost - self.funded

    def beyond_cost(self, amount: Decimal) -> bool:
        return self.cost is not None and amount > 0 and self.funded + amount > self.cost


def funding_totals(ingenierie: Ingenierie) -> FundingTotals:
    """Total of the lines that commit money (``budget.live_lines``: not cancelled, with
    their corrections) and the cost; one query."""
    funded = budget.live_lines().filter(ingenierie=ingenierie).aggregate(total=Sum("amount"))
    return FundingTotals(ingenierie.cost, funded["total"] or budget.ZERO)


class BeyondCostNotConfirmed(CommitmentRefused):
    """Fundings would exceed the ingénierie's cost and the person has not confirmed it."""

    def __init__(self, totals: FundingTotals, amount: Decimal):
        assert totals.cost is not None
        super().__init__(
            f"Les financements dépasseraient le coût de l'ingénierie : {_euros(totals.cost)} "
            f"de coût, {_euros(totals.funded)} déjà financés, cet engagement "
            f"{_euros(amount)}, dépassement de {_euros(totals.funded + amount - totals.cost)}. "
            "Cochez « Je confirme un financement au-delà du coût » pour l'enregistrer.",
            field="confirm_beyond_cost",
        )
        self.totals = totals


# The history row of a line confirmed beyond the cost says so (who and when: the row's).
BEYOND_COST_REASON = "Financement au-delà du coût de l'ingénierie confirmé"


def _check_cost(ingenierie: Ingenierie, amount: Decimal, confirmed: bool) -> bool:
    """Whether ``amount`` takes the fundings beyond the cost; refused unless ``confirmed``."""
    totals = funding_totals(ingenierie)
    if totals.beyond_cost(amount) and not confirmed:
        raise BeyondCostNotConfirmed(totals, amount)
    return totals.beyond_cost(amount)


def _euros(value: Decimal) -> str:
    text = f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u202f€"


def convention_year_on(dla_id: int, day: datetime.date) -> ConventionYear | None:
    return ConventionYear.objects.filter(
        dla_id=dla_id, starts_on__lte=day, ends_on__gte=day
    ).first()


def check_commitment(
    dla_id: int, *, funder: str, amount: Decimal, on: datetime.date
) -> CommitmentCheck:
    """The fund, what is committed and what this amount would bring, for ``funder`` on ``on``."""
    year = convention_year_on(dla_id, on)
    if year is None:
        committed = sum(
            (line.amount for line in budget.uncovered_lines([dla_id]).filter(funder=funder)),
            budget.ZERO,
        )
        return CommitmentCheck(None, funder, budget.ZERO, committed, amount)
    line = budget.balance(year).line(funder)
    return CommitmentCheck(year, funder, line.fund, line.committed, amount)


def _writable(ingenierie: Ingenierie, by: Any) -> None:
    if not Ingenierie.objects.editable_by(by).filter(pk=ingenierie.pk).exists():
        raise PermissionDenied("Vous ne pouvez pas engager de financement sur cette ingénierie.")
    if ingenierie.status == IngenierieStatus.ANNULEE:
        raise CommitmentRefused("Cette ingénierie est annulée : elle n'engage plus de fonds.")


def _amount(amount: Any, *, signed: bool = False) -> Decimal:
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError):
        raise CommitmentRefused("Montant : saisissez un nombre.", "amount") from None
    if not value.is_finite() or abs(value) > MAX_AMOUNT:
        raise CommitmentRefused(
            "Montant : saisissez un montant inférieur à 10 millions d'euros.", "amount"
        )
    if value == 0 or (value < 0 and not signed):
        raise CommitmentRefused(
            "Montant : saisissez un montant positif."
            if not signed
            else "Montant : une correction ne peut être nulle.",
            "amount",
        )
    return value


def _journal_overrun(check: CommitmentCheck, line: Funding, dla_id: int, by: Any) -> None:
    Depassement.objects.create(
        dla_id=dla_id,
        convention_year=check.year,
        funding=line,
        funder=check.funder,
        fund=check.fund,
        committed_before=check.committed_before,
        amount=check.amount,
        confirmed_by=by,
    )


def commit(
    ingenierie: Ingenierie,
    *,
    funder: str,
    amount: Any,
    committed_on: datetime.date,
    by: Any,
    label: str = "",
    confirm_overrun: bool = False,
    confirm_beyond_cost: bool = False,
) -> Funding:
    """A new funding line, drawing on the fund of the convention year of ``committed_on``.

    Beyond the fund: refused (``OverrunNotConfirmed``) unless ``confirm_overrun``, in
    which case the confirmation is journaled (``Depassement``) with the line. Beyond
    the ingénierie's cost: refused (``BeyondCostNotConfirmed``) unless
    ``confirm_beyond_cost``, the line's history row then saying so.
    """
    _writable(ingenierie, by)
    if funder not in Funder.values:
        raise CommitmentRefused("Financeur : choisissez un financeur de la liste.", "funder")
    value = _amount(amount)
    with transaction.atomic():
        # One commitment at a time per DLA: two people cannot both take the last euros.
        Dla.objects.select_for_update().get(pk=ingenierie.dla_id)
        beyond_cost = _check_cost(ingenierie, value, confirm_beyond_cost)
        check = check_commitment(ingenierie.dla_id, funder=funder, amount=value, on=committed_on)
        if check.exceeds and not confirm_overrun:
            raise OverrunNotConfirmed(check)
        line = Funding(
            ingenierie=ingenierie,
            funder=funder,
            amount=value,
            committed_on=committed_on,
            label=(label or "").strip()[:200],
        )
        if beyond_cost:
            line._change_reason = BEYOND_COST_REASON  # type: ignore[attr-defined]
        save_by(line, by)
        if check.exceeds:
            _journal_overrun(check, line, ingenierie.dla_id, by)
    return line


def _root(line: Funding) -> Funding:
    if line.corrects_id is not None:
        raise CommitmentRefused("Corrigez ou annulez la ligne d'engagement d'origine.")
    if line.cancelled_on is not None:
        raise CommitmentRefused("Cette ligne est annulée.")
    return line


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CommitmentRefused("Motif : indiquez pourquoi.", "reason")
    return reason[:300]


def correct_line(
    line: Funding,
    *,
    amount: Any,
    on: datetime.date,
    reason: str,
    by: Any,
    confirm_overrun: bool = False,
    confirm_beyond_cost: bool = False,
) -> Funding:
    """A signed correction of ``line``, counted in the convention year of ``line``.

    A positive correction meets the same checks as a new line (fund, cost)."""
    _writable(line.ingenierie, by)
    value = _amount(amount, signed=True)
    reason = _reason(reason)
    with transaction.atomic():
        Dla.objects.select_for_update().get(pk=line.ingenierie.dla_id)
        line = _root(Funding.objects.select_related("ingenierie").get(pk=line.pk))
        current = line.amount + sum((c.amount for c in line.corrections.all()), budget.ZERO)
        if current + value < 0:
            raise CommitmentRefused(
                f"Montant : la ligne porte {_euros(current)}, la correction ne peut la rendre "
                "négative.",
                "amount",
            )
        beyond_cost = _check_cost(line.ingenierie, value, confirm_beyond_cost)
        check = check_commitment(
            line.ingenierie.dla_id, funder=line.funder, amount=value, on=line.committed_on
        )
        if check.exceeds and not confirm_overrun:
            raise OverrunNotConfirmed(check)
        correction = Funding(
            ingenierie=line.ingenierie,
            funder=line.funder,
            label=line.label,
            amount=value,
            committed_on=on,
            corrects=line,
            reason=reason,
        )
        if beyond_cost:
            correction._change_reason = BEYOND_COST_REASON  # type: ignore[attr-defined]
        save_by(correction, by)
        if check.exceeds:
            _journal_overrun(check, correction, line.ingenierie.dla_id, by)
    return correction


def cancel_line(line: Funding, *, on: datetime.date, reason: str, by: Any) -> Funding:
    """The line and its corrections stop committing; the money returns to their year's fund."""
    _writable(line.ingenierie, by)
    reason = _reason(reason)
    with transaction.atomic():
        locked = _root(Funding.objects.select_for_update().get(pk=line.pk))
        locked.cancelled_on = on
        locked.reason = reason
        save_by(locked, by, update_fields=["cancelled_on", "reason"])
    return locked
