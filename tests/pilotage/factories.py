"""Conventions with their years and funders' contributions, for the steering tests."""

import datetime
from decimal import Decimal

from pilotage.models import Contribution, Convention, ConventionYear
from territoires.models import Dla, Financeur, Region


def financeur(name: str, kind: str, region_code: str | None = "53") -> Financeur:
    region = Region.objects.get(code=region_code) if region_code else None
    found, _ = Financeur.objects.get_or_create(name=name, defaults={"kind": kind, "region": region})
    return found


def convention(dla: Dla, first_year: int, last_year: int, **kwargs) -> Convention:
    """A convention with calendar convention years, written straight (no service, no checks)."""
    made = Convention.objects.create(
        dla=dla,
        title=kwargs.pop("title", f"Convention {dla} {first_year}-{last_year}"),
        first_year=first_year,
        last_year=last_year,
        **kwargs,
    )
    for year in range(first_year, last_year + 1):
        ConventionYear.objects.create(
            convention=made,
            year=year,
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year, 12, 31),
        )
    return made


def contribute(
    made: Convention, year: int, who: Financeur, *, ingenierie: int, running: int = 0
) -> Contribution:
    return Contribution.objects.create(
        convention_year=made.years.get(year=year),
        financeur=who,
        ingenierie_amount=Decimal(ingenierie),
        running_amount=Decimal(running),
    )
