"""One seeding run: reference data, staff, then year by year structures and cases."""

import datetime
import math
import time
from collections.abc import Callable

from django.db import connection, transaction
from faker import Faker

from accounts.models import Role, User
from structures.models import Structure
from territoires.models import Departement, Dla

from . import cases as case_rows
from . import timeline
from .config import PARIS, Rng, SeedConfig
from .people import contacts_for, create_staff
from .personas import PERSONAS, create_personas
from .pilotage import seed_pilotage
from .reference import create_acteurs, create_prestataires
from .structures import Seeded, build_structure, departement_weights, insert_structures

OPEN_STATES = ("accueil", "diagnostic", "parcours", "coordination", "suivi")
# Returning structures: none the first year, then a growing share (about a third of
# cases over ten years come back to the DLA, giving ~40,000 structures for ~60,000 cases).
RETURN_SHARE_PER_YEAR = 0.1
RETURN_SHARE_MAX = 0.42
# A structure comes back at least this long after its previous case ended.
RETURN_GAP = datetime.timedelta(days=180)


class AlreadySeeded(Exception):
    pass


def existing_run() -> str | None:
    """The marker of the seeding run already in this database, if any."""
    return (
        User.objects.filter(username__startswith="seed-", is_active=False)
        .values_list("username", flat=True)
        .first()
    )


def seed(config: SeedConfig, log: Callable[[str], None] = lambda _: None) -> dict:
    """Load the data set ``config`` describes; the personas are always (re)created.

    Idempotent: a database already seeded with the same parameters is left as it is;
    one seeded with other parameters is refused (use a fresh database).
    """
    create_personas()
    current = existing_run()
    if current == config.marker:
        return {"skipped": True, "marker": current}
    if current is not None and config.scale == "demo" and current.startswith("seed-demo-"):
        # `make demo` on a database that already has demo data: keep it.
        return {"skipped": True, "marker": current}
    if current is not None:
        raise AlreadySeeded(
            f"La base contient déjà un jeu de données généré ({current}) : "
            "utilisez une base vide pour un autre jeu."
        )
    started = time.perf_counter()
    with transaction.atomic():
        counts = Generator(config, log).run()
        User.objects.create(
            username=config.marker,
            first_name="Jeu de données",
            last_name="généré",
            role=Role.NATIONAL,
            is_active=False,
            password="!seeded",
        )
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


class Generator:
    def __init__(self, config: SeedConfig, log):
        self.config = config
        self.log = log
        self.rng = Rng(config.seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(config.seed)
        self.counts: dict[str, int] = {}
        self.used_sirets = set(Structure.objects.exclude(siret="").values_list("siret", flat=True))

        codes = config.departements
        departements = Departement.objects.select_related("region").order_by("code")
        if codes:
            departements = departements.filter(code__in=codes)
        self.departements = list(departements)
        self.departement_by_id = {d.pk: d for d in self.departements}
        self.region_by_departement = dict(Departement.objects.values_list("pk", "region_id"))
        region_ids = {d.region_id for d in self.departements}
        self.departements_by_region: dict[int, list] = {}
        for d in self.departements:
            self.departements_by_region.setdefault(d.region_id, []).append(d)

        dlas = list(Dla.objects.select_related("region", "departement").order_by("pk"))
        self.departmental = {
            d.departement_id: d
            for d in dlas
            if d.level == "departemental" and d.departement_id in self.departement_by_id
        }
        self.regional = {
            d.region_id: d for d in dlas if d.level == "regional" and d.region_id in region_ids
        }
        weights = departement_weights([d.code for d in self.departements])
        # A DLA's caseload grows less than its department's population.
        self.dla_weights = {
            self.departmental[d.pk].pk: math.sqrt(weights[d.code]) for d in self.departements
        }
        self.region_weights = {
            rid: sum(weights[d.code] for d in ds) for rid, ds in self.departements_by_region.items()
        }
        self.population = {d.pk: weights[d.code] for d in self.departements}
        self.dla_by_id = {d.pk: d for d in dlas}
        self.accompanied: dict[int, list[Seeded]] = {}  # DLA id -> structures it supported

    def count(self, key, n):
        self.counts[key] = self.counts.get(key, 0) + n

    # Reference data and staff

    def run(self) -> dict:
        rng, fake = self.rng, self.fake
        staffed = [*self.departmental.values(), *self.regional.values()]
        self.owners = create_staff(rng, fake, sorted(staffed, key=lambda d: d.pk))
        self.count("User", sum(len(v) for v in self.owners.values()))
        self.prestataires = create_prestataires(rng, fake, list(self.regional.values()))
        self.acteurs = create_acteurs(
            rng, list(self.regional.values()), self.departements_by_region
        )
        self.ctx = case_rows.Context(
            rng, self.config.reference_date, self.prestataires, self.acteurs
        )
        for year in range(self.config.first_year, self.config.reference_date.year + 1):
            self.run_year(year)
        if self.config.scale == "demo":
            self.run_current_cases_for_personas()
        self.run_idle_structures()
        if connection.vendor == "postgresql":
            # Objectives are drawn from what each DLA achieved: queries over the rows just
            # loaded, in this same transaction, which autovacuum cannot see. Without
            # statistics the planner takes the tables for empty (at three times the
            # national data, one such query ran for more than ten minutes).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # Conventions, funds, objectives and comités de pilotage of the DLAs seeded.
        for key, n in seed_pilotage(
            rng, self.config.reference_date, [d.pk for d in staffed]
        ).items():
            self.count(key, n)
        if self.config.scale == "demo":
            # The daily reminder job, run once, so that the notification list has
            # content (it compares with today's date: demo only, not reproducible).
            from accompagnements.tasks import send_reminders

            self.count("Notification", send_reminders())
        return self.counts

    # Structures

    def new_structure(self, departement, network: bool | None = None) -> Seeded:
        structure = build_structure(
            self.rng, self.fake, departement, self.used_sirets, network=network
        )
        return Seeded.of(structure, f"{self.fake.first_name()} {self.fake.last_name()}")

    def insert_structures(self, seeded: list[Seeded]):
        def contacts(s):
            count = self.rng.choice((1, 1, 2, 2, 3))
            return contacts_for(self.rng, self.fake, s.pk, s.leader, count)

        fallback = datetime.datetime.combine(self.config.reference_date, datetime.time(9), PARIS)
        structures, contacts_count = insert_structures(
            seeded, self.region_by_departement, contacts, fallback
        )
        self.count("Structure", structures)
        self.count("Contact", contacts_count)

    def pick_departement(self, region_id=None):
        pool = self.departements_by_region[region_id] if region_id else self.departements
        return self.rng.choices(pool, weights=[self.population[d.pk] for d in pool])[0]

    # Cases

    def pick_dla(self):
        rng = self.rng
        if rng.random() < 0.04:
            region_id = rng.choices(
                list(self.region_weights), weights=list(self.region_weights.values())
            )[0]
            return self.regional[region_id]
        dla_id = rng.choices(list(self.dla_weights), weights=list(self.dla_weights.values()))[0]
        return self.dla_by_id[dla_id]

    def structure_for(self, dla, opened_on, return_share, fresh: list[Seeded]) -> Seeded:
        rng = self.rng
        previous = self.accompanied.get(dla.pk)
        if previous and rng.random() < return_share:
            for candidate in rng.sample(previous, min(6, len(previous))):
                if candidate.busy_until and candidate.busy_until < opened_on - RETURN_GAP:
                    return candidate
        if dla.level == "regional":
            structure = self.new_structure(self.pick_departement(dla.region_id), network=True)
        else:
            structure = self.new_structure(
                self.departement_by_id[dla.departement_id], network=False
            )
        fresh.append(structure)
        self.accompanied.setdefault(dla.pk, []).append(structure)
        return structure

    def plan(self, dla, structure, tl) -> case_rows.PlannedCase:
        owners = self.owners[dla.pk]
        structure.busy_until = tl.ended_on or datetime.date.max
        return case_rows.PlannedCase(
            structure=structure,
            dla_id=dla.pk,
            region_id=dla.region_id,
            officer_id=self.rng.choice(owners),
            timeline=tl,
        )

    def run_year(self, year: int):
        rng, ref = self.rng, self.config.reference_date
        start = datetime.date(year, 1, 1)
        end = min(datetime.date(year, 12, 31), ref)
        share_of_year = ((end - start).days + 1) / 365
        count = round(self.config.cases_per_year * share_of_year * rng.uniform(0.92, 1.08))
        return_share = min(
            RETURN_SHARE_MAX, RETURN_SHARE_PER_YEAR * (year - self.config.first_year)
        )
        openings = sorted(rng.date_between(start, end) for _ in range(count))
        fresh: list[Seeded] = []
        planned = []
        for opened_on in openings:
            dla = self.pick_dla()
            structure = self.structure_for(dla, opened_on, return_share, fresh)
            planned.append(self.plan(dla, structure, timeline.draw(rng, opened_on, ref)))
        self.insert(fresh, planned)
        self.log(f"{year} : {len(planned)} accompagnements, {len(fresh)} nouvelles structures")

    def run_current_cases_for_personas(self):
        """Every open phase on each persona's desk, so that every screen has content."""
        persona_names = {p.username for p in PERSONAS}
        people = User.objects.filter(username__in=persona_names, dla__isnull=False).select_related(
            "dla"
        )
        fresh, planned = [], []
        for person in people.order_by("pk"):
            dla = person.dla
            for state in OPEN_STATES:
                for _ in range(2):
                    if dla.level == "regional":
                        departement = self.pick_departement(dla.region_id)
                    else:
                        departement = self.departement_by_id[dla.departement_id]
                    structure = self.new_structure(departement, network=dla.level == "regional")
                    fresh.append(structure)
                    tl = timeline.draw(
                        self.rng,
                        self.config.reference_date,
                        self.config.reference_date,
                        freeze_in=state,
                    )
                    case = self.plan(dla, structure, tl)
                    case.officer_id = person.pk
                    planned.append(case)
        self.insert(fresh, planned)

    def run_idle_structures(self):
        total = self.counts.get("Structure", 0)
        idle = [
            self.new_structure(self.pick_departement())
            for _ in range(round(total * self.config.idle_structure_share))
        ]
        self.insert_structures(idle)

    def insert(self, fresh, planned):
        for case in planned:
            if case.structure.registered_at is None:
                case.structure.registered_at = case.timeline.steps[0].at
        self.insert_structures(fresh)
        for key, n in case_rows.insert_cases(self.ctx, planned).items():
            self.count(key, n)
