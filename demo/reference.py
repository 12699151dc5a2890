"""Reference data each region needs: the consultant register and the support actors."""

from accompagnements.models import ActeurAppui, Prestataire

from .config import Rng

FIRM_PATTERNS = [
    "Cabinet {last}",
    "{last} Conseil",
    "{last} & Associés",
    "Atelier {word}",
    "{word} Consultants",
    "SCOP {word}",
    "{first} {last}, consultante",
    "{first} {last}, consultant",
]
FIRM_WORDS = [
    "Alternatives",
    "Cap ESS",
    "Convergences",
    "Ellipse",
    "Itinéraires",
    "Médiane",
    "Perspectives",
    "Sillage",
    "Stratéjeu",
    "Transitions",
    "Trajectoires",
    "Variations",
]
PRESTATAIRE_THEMES = [
    "projet associatif et stratégie",
    "gouvernance",
    "fonction employeur et RH",
    "modèle économique",
    "financement et gestion",
    "communication",
    "numérique",
    "transition écologique",
    "organisation interne",
]

# (kind, name pattern, how many departments it covers: "all" or a number)
ACTEURS = [
    ("cress", "CRESS {region}", "all"),
    ("france_active", "France Active {region}", "all"),
    ("fabrique", "Fabrique à initiatives {place}", 2),
    ("incubateur", "Incubateur ESS {place}", 1),
    ("incubateur", "Couveuse d'activités {place}", 1),
    ("reseau", "Mouvement associatif {region}", "all"),
    ("financeur", "Fondation solidaire {region}", "all"),
    ("changement_echelle", "Programme Émergence & Changement d'échelle {region}", "all"),
    ("institution", "France Travail – direction territoriale {place}", 1),
]


def create_prestataires(rng: Rng, fake, regional_dlas) -> dict[int, list[int]]:
    """A register of consultants per region; returns their ids per region id."""
    rows = []
    for dla in regional_dlas:
        for _ in range(rng.randint(14, 30)):
            first, last = fake.first_name(), fake.last_name()
            name = rng.choice(FIRM_PATTERNS).format(
                first=first, last=last, word=rng.choice(FIRM_WORDS)
            )
            rows.append(
                Prestataire(
                    name=name,
                    contact_name=f"{first} {last}",
                    email=f"contact@{fake.domain_word()}.example.org",
                    phone=fake.phone_number()[:20],
                    themes=", ".join(rng.sample(PRESTATAIRE_THEMES, 3)),
                    region_id=dla.region_id,
                    dla_id=dla.pk,
                    is_active=rng.random() < 0.92,
                )
            )
    Prestataire.objects.bulk_create(rows, batch_size=500)
    by_region: dict[int, list[int]] = {}
    for row in rows:
        by_region.setdefault(row.region_id, []).append(row.pk)
    return by_region


def create_acteurs(rng: Rng, regional_dlas, departements_by_region) -> dict[int, list]:
    """The support actors of each region; returns (id, kind, name) per region id."""
    rows, covered = [], []
    for dla in regional_dlas:
        departements = departements_by_region[dla.region_id]
        for kind, pattern, reach in ACTEURS:
            chosen = (
                departements
                if reach == "all"
                else rng.sample(departements, min(reach, len(departements)))
            )
            place = chosen[0].name if reach != "all" else dla.region.name
            rows.append(
                ActeurAppui(
                    name=pattern.format(region=dla.region.name, place=place)[:200],
                    kind=kind,
                    region_id=dla.region_id,
                    dla_id=dla.pk,
                    offer="Accompagnement des structures de l'ESS du territoire.",
                    email="contact@acteur.example.org",
                )
            )
            covered.append(chosen)
    ActeurAppui.objects.bulk_create(rows, batch_size=500)
    through = ActeurAppui.departements.through
    through.objects.bulk_create(
        [
            through(acteurappui_id=row.pk, departement_id=d.pk)
            for row, chosen in zip(rows, covered, strict=True)
            for d in chosen
        ],
        batch_size=1000,
    )
    by_region: dict[int, list] = {}
    for row in rows:
        by_region.setdefault(row.region_id, []).append((row.pk, row.kind, row.name))
    return by_region
