"""What a seeding run produces: scale, years, seed, and the published proportions it follows.

Figures come from DOMAIN.md (national DLA statistics); where DOMAIN.md gives no
figure the value is our own plausible choice, marked "assumed".
"""

import datetime
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
# Bumped whenever the generators change what a seed produces: a benchmark database
# seeded by an older version is then rebuilt rather than reused.
SEED_VERSION = 2
# Fixed so that the same seed gives the same data whatever the day it runs.
REFERENCE_DATE = datetime.date(2026, 11, 1)

# The demo is centred on the personas' regions: Bretagne and Pays de la Loire.
DEMO_DEPARTEMENTS = ("22", "29", "35", "56", "44", "49", "53", "72", "85")

# ~96 % associations; the rest split (assumed) over the other eligible forms.
LEGAL_FORMS = {
    "association": 96.0,
    "scop": 1.1,
    "scic": 0.9,
    "cooperative": 0.3,
    "mutuelle": 0.2,
    "fondation": 0.3,
    "groupement_employeurs": 0.6,
    "societe_esus": 0.5,
    "autre": 0.1,
}
# Culture ~18 %, sport ~10 % (DOMAIN.md); the others assumed.
SECTORS = {
    "culture": 18,
    "sport": 10,
    "insertion_emploi": 12,
    "animation_sociale": 9,
    "famille_enfance_jeunesse": 9,
    "sanitaire_medico_social": 8,
    "services_personne": 7,
    "environnement": 6,
    "education_populaire": 6,
    "developpement_local": 5,
    "tourisme_loisirs": 4,
    "autre": 6,
}
# Size classes: 10 % no employee, 71 % under 10 (so 61 % 1-9), 8 % over 50.
SIZE_CLASSES = {"0": 10, "1-9": 61, "10-49": 21, "50+": 8}
# The diagnostic axis of a case's main need; its ingénierie takes the matching theme of
# the bilan (accompagnements.models.THEME_OF_AXIS). Ingénierie themes, 2017: projet &
# stratégie 36 %, organisation interne 14 %, restructuration éco-fi 9 % (modèle
# économique); the others assumed.
THEMES = {
    "projet_strategie": 36,
    "organisation": 14,
    "modele_economique": 9,
    "fonction_employeur": 10,
    "financement": 8,
    "gouvernance": 7,
    "communication": 5,
    "partenariats": 4,
    "numerique": 4,
    "transition_ecologique": 3,
}
FUNDERS = {"etat": 45, "banque_territoires": 25, "fse": 15, "region": 10, "autre": 5}
CHANNELS = {
    "structure": 40,
    "reseau": 18,
    "financeur": 15,
    "prescripteur": 12,
    "acteur_appui": 8,
    "dla": 5,
    "autre": 2,
}
# How a case ends (assumed, in line with the yearly bilans' small shares of exits).
OUTCOMES = {
    "reoriente_accueil": 7,
    "abandonne_accueil": 2,
    "reoriente_diagnostic": 4,
    "abandonne_diagnostic": 3,
    "abandonne_parcours": 4,
    "abandonne_coordination": 2,
    "abandonne_suivi": 2,
    "cloture": 76,
}
# Days spent in each phase (assumed); the total stays within 2 months-2 years.
PHASE_DAYS = {
    "accueil": (10, 45),
    "diagnostic": (30, 100),
    "parcours": (15, 75),
    "coordination": (60, 270),
    "suivi": (90, 330),
}
MAX_CASE_DAYS = 730
# Plans with a DLA ingénierie (the others go straight from parcours to suivi).
PLAN_WITH_INGENIERIE = 0.72
# A quarter of ingénieries are collective; each groups ~5-10 structures.
COLLECTIVE_SHARE = 0.25
COLLECTIVE_SIZE = (5, 10)
# Satisfaction with the consultant: 95 % satisfied (2017).
SATISFACTION = {4: 55, 3: 40, 2: 4, 1: 1}
SITUATIONS = {"consolidee": 45, "developpement": 30, "fragile": 20, "cessation": 5}
# Comité d'appui opinions (assumed: it is consultative and mostly favourable).
OPINIONS = {"favorable": 78, "reserves": 16, "ajourne": 4, "defavorable": 2}
# Share of plans that go through a comité d'appui (assumed).
COMITE_SHARE = 0.6
# Regional-scale structures (networks, federations) handled by regional DLAs (assumed).
NETWORK_SHARE = 0.04


@dataclass(frozen=True)
class SeedConfig:
    scale: str = "demo"
    years: int = 3
    seed: int = 2026
    reference_date: datetime.date = REFERENCE_DATE
    cases_per_year: int = 120
    departements: tuple[str, ...] | None = DEMO_DEPARTEMENTS
    # Structures registered without any case yet (imported lists, prospects).
    idle_structure_share: float = 0.05

    @classmethod
    def for_scale(cls, scale: str, years: int | None = None, seed: int = 2026) -> "SeedConfig":
        if scale == "national":
            return cls(scale, years or 10, seed, cases_per_year=6000, departements=None)
        if scale.isdigit() and int(scale) > 1:
            # `--scale 3`: the national data set three times over (issue 18's growth run),
            # the same ten years with three times the cases, structures following.
            factor = int(scale)
            return cls(
                f"national-x{factor}",
                years or 10,
                seed,
                cases_per_year=6000 * factor,
                departements=None,
            )
        if scale == "demo":
            return cls(scale, years or 3, seed)
        raise ValueError(f"Unknown scale: {scale}")

    @property
    def marker(self) -> str:
        """Username of the inactive account that records this run in the database."""
        return f"seed-{self.scale}-s{self.seed}-y{self.years}-v{SEED_VERSION}"

    @property
    def first_year(self) -> int:
        return self.reference_date.year - self.years + 1


class Rng(random.Random):
    """random.Random with the weighted draws the generators need."""

    def pick(self, weights: dict):
        keys = list(weights)
        return self.choices(keys, weights=[weights[k] for k in keys])[0]

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.randint(0, max(0, (end - start).days)))

    def moment(self, day: datetime.date) -> datetime.datetime:
        """An office-hours moment of ``day`` in Paris."""
        return datetime.datetime(
            day.year, day.month, day.day, self.randint(8, 18), self.randint(0, 59), tzinfo=PARIS
        )
