"""Structures of the register: names, identifiers, territory, size, sector."""

from dataclasses import dataclass

from stdnum import luhn

from structures.models import Contact, Structure

from .communes import COMMUNES
from .config import LEGAL_FORMS, NETWORK_SHARE, SECTORS, SIZE_CLASSES, Rng

WORDS = [
    "Les Colibris",
    "Horizon",
    "Passerelle",
    "L'Envol",
    "Le Lien",
    "Trait d'Union",
    "La Fabrique",
    "Les Tisserands",
    "Arc-en-Ciel",
    "Le Grain de Sel",
    "Ricochet",
    "Les Sentiers",
    "La Boussole",
    "Archipel",
    "Les Semeurs",
    "La Ruche",
    "Escale",
    "Le Phare",
    "Kaléidoscope",
    "Les Petits Pas",
    "Tremplin",
    "La Clé",
    "Cap Avenir",
    "L'Atelier",
    "Les Racines",
    "Mosaïque",
    "La Source",
    "Le Relais",
    "Entre-Deux",
    "Les Lucioles",
    "Odyssée",
    "La Marmite",
    "Les Embarqués",
    "Vent d'Ouest",
    "Solidarités",
    "Les Jardins partagés",
    "L'Éclaircie",
    "La Coursive",
    "Terre Ferme",
    "Les Compagnons",
]

NAME_TEMPLATES = {
    "culture": [
        "Compagnie {word}",
        "Théâtre de {commune}",
        "Festival {word}",
        "École de musique de {commune}",
        "Collectif {word}",
        "Compagnie {person}",
        "Ciné-club de {commune}",
        "Association culturelle {word}",
    ],
    "sport": [
        "Union sportive de {commune}",
        "{commune} Football Club",
        "Handball Club de {commune}",
        "Cercle nautique de {commune}",
        "Association sportive {word}",
        "Judo Club de {commune}",
    ],
    "insertion_emploi": [
        "Chantier d'insertion {word}",
        "{word} Emploi",
        "Régie de quartier de {commune}",
        "Ressourcerie {word}",
        "Association intermédiaire de {commune}",
        "Jardins de Cocagne {word}",
    ],
    "animation_sociale": [
        "Centre social {person}",
        "Maison de quartier {word}",
        "Foyer rural de {commune}",
        "Espace de vie sociale {word}",
    ],
    "famille_enfance_jeunesse": [
        "Crèche parentale {word}",
        "Maison des jeunes de {commune}",
        "Ludothèque {word}",
        "Accueil de loisirs de {commune}",
    ],
    "sanitaire_medico_social": [
        "ESAT {word}",
        "Institut médico-éducatif {person}",
        "Maison d'accueil {word}",
        "Association {person} santé",
    ],
    "services_personne": [
        "Aide à domicile de {commune}",
        "ADMR de {commune}",
        "Services à domicile {word}",
    ],
    "environnement": [
        "{word} Nature",
        "Jardins de {commune}",
        "Recyclerie {word}",
        "Maison de la nature de {commune}",
    ],
    "education_populaire": [
        "Amicale laïque de {commune}",
        "Maison des jeunes et de la culture de {commune}",
        "Ligue de l'enseignement – {word}",
    ],
    "tourisme_loisirs": [
        "Comité des fêtes de {commune}",
        "Auberge de jeunesse {person}",
        "Camping associatif {word}",
    ],
    "developpement_local": [
        "Tiers-lieu {word}",
        "Comité de bassin d'emploi de {commune}",
        "Pays {word}",
    ],
    "autre": ["Association {word}", "Les Amis de {commune}"],
}
COOPERATIVE_TEMPLATES = ["{word} SCOP", "SCIC {word}", "Coopérative {word}", "{person} et associés"]
NETWORK_TEMPLATES = [
    "Fédération régionale {word}",
    "Union régionale des associations {word}",
    "Réseau {word}",
    "Comité régional {word}",
]


@dataclass
class Seeded:
    """What case generation needs to know about a structure, without keeping the model."""

    pk: int | None
    name: str
    leader: str
    departement_id: int
    region_id: int
    is_network: bool
    headcount: int
    fte: float
    cdi: int
    cdd: int
    budget: int | None
    # The day its last case ended (None: never accompanied; date.max while one is open).
    busy_until: object = None
    model: Structure | None = None
    registered_at: object = None  # when its first case opened

    @classmethod
    def of(cls, structure: Structure, leader: str) -> "Seeded":
        return cls(
            pk=None,
            name=structure.name,
            leader=leader,
            departement_id=structure.departement_id,
            region_id=0,
            is_network=structure.is_network,
            headcount=structure.headcount,
            fte=float(structure.fte),
            cdi=structure.cdi_count,
            cdd=structure.cdd_count,
            budget=structure.budget,
            model=structure,
        )


def departement_weights(departement_codes):
    return {code: COMMUNES[code][0] for code in departement_codes}


def siret_for(number: int, establishment: int = 1) -> str:
    """The valid SIRET of ``establishment`` in the SIREN drawn from ``number`` (its last
    eight digits, then the Luhn key; Luhn again on the whole): same number, same SIRET.

    The one SIRET generator: test factories, seeding and benchmarks all go through it.
    """
    base = f"{number % 10**8:08d}"
    siren = base + luhn.calc_check_digit(base)
    body = f"{siren}{establishment % 10**4:04d}"
    return body + luhn.calc_check_digit(body)


def random_siret(rng: Rng, used: set[str]) -> str:
    """A valid SIRET not in ``used`` (and added to it)."""
    while True:
        siret = siret_for(rng.randint(7, 8) * 10**7 + rng.randint(0, 9_999_999), rng.randint(1, 99))
        if siret not in used:
            used.add(siret)
            return siret


def make_headcount(rng: Rng, size_class: str) -> int:
    if size_class == "0":
        return 0
    if size_class == "1-9":
        return min(9, int(rng.paretovariate(1.2)))
    if size_class == "10-49":
        return rng.randint(10, 49)
    return min(900, 50 + int(rng.paretovariate(1.5) * 20) - 20)


def build_structure(
    rng: Rng, fake, departement, used_sirets: set[str], *, network: bool | None = None
) -> Structure:
    """An unsaved structure of ``departement`` (a territoires Departement)."""
    legal_form = rng.pick(LEGAL_FORMS)
    sector = rng.pick(SECTORS)
    if network is None:
        network = legal_form == "association" and rng.random() < NETWORK_SHARE
    commune, postal_code = rng.choice(COMMUNES[departement.code][1])
    if network:
        template = rng.choice(NETWORK_TEMPLATES)
    elif legal_form in {"scop", "scic", "cooperative", "societe_esus"}:
        template = rng.choice(COOPERATIVE_TEMPLATES)
    else:
        template = rng.choice(NAME_TEMPLATES[sector])
    name = template.format(word=rng.choice(WORDS), commune=commune, person=fake.last_name())
    if "{word}" not in template and rng.random() < 0.6:
        # Templates without a distinctive word repeat within a commune: add one.
        name = f"{name} – {rng.choice(WORDS)}"
    size_class = rng.pick(SIZE_CLASSES)
    if network and size_class == "0":
        size_class = "1-9"
    headcount = make_headcount(rng, size_class)
    cdi = round(headcount * rng.uniform(0.55, 0.9))
    fte = round(headcount * rng.uniform(0.6, 0.95), 2)
    budget = (
        rng.randint(5, 60) * 1000
        if headcount == 0
        else headcount * rng.randint(35, 60) * 1000 + rng.randint(10, 80) * 1000
    )
    siae_type = ""
    if sector == "insertion_emploi" and rng.random() < 0.6:
        siae_type = rng.choice(("ACI", "ACI", "ACI", "AI", "EI", "ETTI"))
    dept_digits = departement.code[:2] if departement.code.isdigit() else "20"
    number = f"{rng.randint(10, 9_999_999):07d}"
    return Structure(
        name=name[:255],
        siret=random_siret(rng, used_sirets) if rng.random() < 0.93 else "",
        rna=f"W{dept_digits}{number}" if legal_form == "association" else "",
        legal_form=legal_form,
        is_esus=legal_form in {"scop", "scic", "societe_esus"} or rng.random() < 0.02,
        siae_type=siae_type,
        is_entreprise_adaptee=sector == "sanitaire_medico_social" and rng.random() < 0.08,
        is_network=network,
        sector=sector,
        address=fake.street_address()[:255],
        postal_code=postal_code,
        commune=commune,
        departement_id=departement.pk,
        in_qpv=rng.random() < 0.12,
        in_zrr=rng.random() < 0.2,
        headcount=headcount,
        fte=fte,
        cdi_count=cdi,
        cdd_count=headcount - cdi,
        budget=budget,
        year_founded=rng.randint(1950, 2024) if rng.random() < 0.95 else None,
    )


def insert_structures(
    seeded: list[Seeded], region_by_departement: dict[int, int], contacts_for, fallback_date
) -> tuple[int, int]:
    """Bulk insert, dated from each structure's first case, with one history row each
    (as a record created in the app has); then the contacts.

    ``contacts_for(seeded)`` returns the unsaved contacts of a structure whose pk is set.
    """
    structures = [s.model for s in seeded]
    for structure in structures:
        structure.set_derived_fields(region_by_departement)
    Structure.objects.bulk_create(structures, batch_size=1000)
    # auto_now_add stamped the run's time: put back when the structure was registered.
    for structure, s in zip(structures, seeded, strict=True):
        structure.created_at = structure.updated_at = s.registered_at or fallback_date
        structure._history_date = structure.created_at
    Structure.objects.bulk_update(structures, ["created_at", "updated_at"], batch_size=1000)
    Structure.history.bulk_history_create(structures, batch_size=1000)
    contacts = []
    for s in seeded:
        s.pk, s.region_id, s.model = s.model.pk, s.model.region_id, None
        contacts += contacts_for(s)
    Contact.objects.bulk_create(contacts, batch_size=2000)
    return len(structures), len(contacts)
