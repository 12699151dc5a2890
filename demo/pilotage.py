"""Steering data of the demo: funders, conventions and their funds, objectives, comités
de pilotage, consents to share with a resource centre, and the (fictitious, labelled)
reference table of employer ESS establishments.

Funds are drawn around what each DLA actually committed in the seeded data, so that
some are comfortable, some past 80 % and a few overspent (assumed proportions).
Objectives are drawn around what each DLA achieved: some are met, some not.
"""

import datetime
from decimal import Decimal

from django.db.models import Count

from accompagnements.models import Accompagnement
from pilotage import budget, etablissements
from pilotage.management.commands.load_etablissements_ess import SAMPLE
from pilotage.models import (
    ComitePilotage,
    Contribution,
    Convention,
    ConventionYear,
    Objective,
    PartageCentre,
)
from pilotage.progress import achieved
from territoires.models import CentreRessources, Departement, Dla, Financeur, Region

from .config import Rng

# Ingénierie fund as a multiple of what the DLA committed that year (assumed).
FUND_FACTOR = (0.9, 1.45)
# Running costs as a multiple of the ingénierie fund (assumed: DOMAIN.md's 25 M€
# budget with over 11 M€ of ingénierie committed).
RUNNING_FACTOR = Decimal("1.3")


def regional_funders(region: Region) -> dict[str, Financeur]:
    made = {}
    for kind, name in (
        ("etat", f"DREETS {region.name}"),
        ("banque_territoires", f"Banque des Territoires – direction régionale {region.name}"),
        ("region", f"Région {region.name}"),
        ("fse", f"Fonds social européen – {region.name}"),
        ("autre", f"Autres collectivités – {region.name}"),
    ):
        made[kind], _ = Financeur.objects.get_or_create(
            name=name, defaults={"kind": kind, "region": region}
        )
    return made


def departement_funder(departement: Departement) -> Financeur:
    funder, _ = Financeur.objects.get_or_create(
        name=f"Département {departement.name}",
        defaults={
            "kind": "departement",
            "region_id": departement.region_id,
            "departement": departement,
        },
    )
    return funder


def _round(value: Decimal, step: int = 500) -> Decimal:
    return Decimal(int(value / step + 1) * step)


def seed_pilotage(rng: Rng, reference_date: datetime.date, dla_ids: list[int]) -> dict:
    counts = {"EtablissementsEss": len(etablissements.load(SAMPLE.read_bytes()))}
    dlas = list(Dla.objects.filter(pk__in=dla_ids).select_related("region", "departement"))
    years = range(reference_date.year - 1, reference_date.year + 1)
    convention_years = []
    for dla in dlas:
        convention = Convention.objects.create(
            dla=dla,
            title=f"Convention pluriannuelle {years[0]}-{years[-1] + 1} – {dla.name}",
            reference=f"CPO-{dla.pk:03d}",
            first_year=years[0],
            last_year=years[-1] + 1,
            signed_on=datetime.date(years[0], 2, 15),
        )
        for year in range(years[0], years[-1] + 2):
            convention_years.append(
                ConventionYear.objects.create(
                    convention=convention,
                    year=year,
                    starts_on=datetime.date(year, 1, 1),
                    ends_on=datetime.date(year, 12, 31),
                    amendment_reference=f"Avenant n° {year - years[0] + 1}",
                    amendment_signed_on=datetime.date(year, 3, 1),
                )
            )
    balances = budget.balances(convention_years)
    contributions = []
    for year in convention_years:
        dla = next(d for d in dlas if d.pk == year.dla_id)
        funders = regional_funders(dla.region)
        if dla.departement_id:
            funders["departement"] = departement_funder(dla.departement)
        committed = {f: line.committed for f, line in balances[year.pk].lines.items()}
        factor = Decimal(str(round(rng.uniform(*FUND_FACTOR), 2)))
        for kind, funder in funders.items():
            base = committed.get(kind) or (Decimal(4000) if kind in ("etat", "departement") else 0)
            if not base:
                continue
            fund = _round(base * factor)
            contributions.append(
                Contribution(
                    convention_year=year,
                    financeur=funder,
                    ingenierie_amount=fund,
                    running_amount=_round(fund * RUNNING_FACTOR, 1000),
                )
            )
    Contribution.objects.bulk_create(contributions)
    counts["Convention"] = len(dlas)
    counts["Contribution"] = len(contributions)
    counts["Objective"] = _objectives(rng, dlas, years)
    counts["ComitePilotage"] = _comites(rng, dlas, years)
    counts["PartageCentre"] = _partages(rng, dlas)
    return counts


def _objectives(rng: Rng, dlas, years) -> int:
    rows = []
    for year in years:
        values = achieved([d.pk for d in dlas], year)
        for dla in dlas:
            done = values[dla.pk]
            for kind in ("structures_accompagnees", "diagnostics", "structures_ingenierie"):
                target = max(1, round(done.get(kind, 0) * rng.uniform(0.85, 1.25)))
                rows.append(Objective(dla=dla, year=year, kind=kind, target=target))
            rows.append(
                Objective(
                    dla=dla,
                    year=year,
                    kind="ingenieries_collectives",
                    target=max(1, done.get("ingenieries_collectives", 0) + rng.choice((-1, 0, 1))),
                )
            )
            rows.append(
                Objective(dla=dla, year=year, kind="part_zrr", target=rng.choice((20, 25, 30)))
            )
            rows.append(
                Objective(dla=dla, year=year, kind="part_qpv", target=rng.choice((8, 10, 12)))
            )
            rows.append(
                Objective(dla=dla, year=year, kind="part_secteur", sector="culture", target=15)
            )
    Objective.objects.bulk_create(rows)
    return len(rows)


def _comites(rng: Rng, dlas, years) -> int:
    made = 0
    for dla in dlas:
        for year in years:
            comite = ComitePilotage.objects.create(
                dla=dla,
                held_on=datetime.date(year, 1, rng.randint(15, 31)),
                year=year,
                members="DDETS, Banque des Territoires, Région, Département, Mouvement associatif",
                decisions=(
                    "Priorités de l'année : structures des zones rurales et des quartiers "
                    "prioritaires ; au moins une ingénierie collective sur le modèle "
                    "économique ; suivi des structures culturelles."
                ),
            )
            Objective.objects.filter(dla=dla, year=year).update(comite=comite)
            made += 1
    return made


def _partages(rng: Rng, dlas) -> int:
    culture = CentreRessources.objects.get(secteur="culture")
    cases = list(
        Accompagnement.objects.filter(
            dla__in=dlas, structure__sector="culture", diagnostic__isnull=False
        )
        .annotate(n=Count("pk"))
        .order_by("pk")[:12]
    )
    rows = [
        PartageCentre(
            accompagnement=case,
            centre=culture,
            consent_on=case.opened_on + datetime.timedelta(days=rng.randint(20, 60)),
            consent_by_name="Présidente de l'association",
            recorded_by_id=case.officer_id,
        )
        for case in cases
    ]
    PartageCentre.objects.bulk_create(rows)
    return len(rows)
