"""Demo personas: one login per role, in Bretagne and Pays de la Loire."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Role, User
from territoires.models import CentreRessources, Dla, Financeur, Region


@dataclass(frozen=True)
class Persona:
    username: str
    password: str
    first_name: str
    last_name: str
    role: str
    dla_name: str | None
    description: str
    # Read-only partners: the funding body (name) or the resource centre (sector).
    financeur_name: str | None = None
    centre_secteur: str | None = None


PERSONAS = [
    Persona(
        "charge35",
        "demo-charge35",
        "Camille",
        "Le Goff",
        Role.OFFICER,
        "DLA départemental – Ille-et-Vilaine (35)",
        "chargée d'accompagnement, DLA d'Ille-et-Vilaine",
    ),
    Persona(
        "charge29",
        "demo-charge29",
        "Yann",
        "Kerbrat",
        Role.OFFICER,
        "DLA départemental – Finistère (29)",
        "chargé d'accompagnement, DLA du Finistère (même région)",
    ),
    Persona(
        "coord-bretagne",
        "demo-coord-bretagne",
        "Maëlle",
        "Tanguy",
        Role.COORDINATOR,
        "DLA régional – Bretagne",
        "coordinatrice du DLA régional de Bretagne",
    ),
    Persona(
        "coord-pdl",
        "demo-coord-pdl",
        "Hugo",
        "Moreau",
        Role.COORDINATOR,
        "DLA régional – Pays de la Loire",
        "coordinateur du DLA régional des Pays de la Loire",
    ),
    Persona(
        "national",
        "demo-national",
        "Inès",
        "Dubois",
        Role.NATIONAL,
        None,
        "opératrice nationale (Avise)",
    ),
    Persona(
        "admin",
        "demo-admin",
        "Alex",
        "Martin",
        Role.ADMIN,
        None,
        "administrateur·rice (corrections, référentiels)",
    ),
    Persona(
        "financeur-bretagne",
        "demo-financeur-bretagne",
        "Soizic",
        "Le Bihan",
        Role.FINANCEUR,
        None,
        "financeuse : DREETS Bretagne (chiffres agrégés de la région, conventions financées)",
        financeur_name="DREETS Bretagne",
    ),
    Persona(
        "crdla-culture",
        "demo-crdla-culture",
        "Jules",
        "Ferrand",
        Role.CRDLA,
        None,
        "centre de ressources Culture (diagnostics partagés avec son accord par la structure)",
        centre_secteur="culture",
    ),
]


def _financeur(name: str) -> Financeur:
    """The Bretagne State service the funder persona works for (created on first use)."""
    financeur, _ = Financeur.objects.get_or_create(
        name=name, defaults={"kind": "etat", "region": Region.objects.get(code="53")}
    )
    return financeur


@transaction.atomic
def create_personas() -> list[Persona]:
    dlas = {dla.name: dla for dla in Dla.objects.all()}
    for persona in PERSONAS:
        user, _ = User.objects.update_or_create(
            username=persona.username,
            defaults={
                "first_name": persona.first_name,
                "last_name": persona.last_name,
                "role": persona.role,
                "dla": dlas[persona.dla_name] if persona.dla_name else None,
                "financeur": _financeur(persona.financeur_name) if persona.financeur_name else None,
                "centre_ressources": (
                    CentreRessources.objects.get(secteur=persona.centre_secteur)
                    if persona.centre_secteur
                    else None
                ),
                "is_staff": persona.role == Role.ADMIN,
                "is_superuser": persona.role == Role.ADMIN,
                "email": f"{persona.username}@demo.dla-suivi.invalid",
            },
        )
        user.set_password(persona.password)
        user.save(update_fields=["password"])
    return PERSONAS
