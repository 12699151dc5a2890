import factory

from accounts.models import Role, User
from territoires.models import CentreRessources, Dla, Financeur, Region


def departmental_dla(code: str) -> Dla:
    return Dla.objects.get(level=Dla.Level.DEPARTEMENTAL, departement__code=code)


def regional_dla(region_code: str) -> Dla:
    return Dla.objects.get(level=Dla.Level.REGIONAL, region__code=region_code)


def regional_state_service(region_code: str = "53") -> Financeur:
    """The State's regional service (DREETS) of a region: a regional funder."""
    region = Region.objects.get(code=region_code)
    financeur, _ = Financeur.objects.get_or_create(
        name=f"DREETS {region.name}", defaults={"kind": "etat", "region": region}
    )
    return financeur


def resource_centre(secteur: str = "culture") -> CentreRessources:
    return CentreRessources.objects.get(secteur=secteur)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("motdepasse-test")
    role = Role.OFFICER
    dla = factory.LazyFunction(lambda: departmental_dla("35"))

    class Params:
        coordinator = factory.Trait(
            role=Role.COORDINATOR, dla=factory.LazyFunction(lambda: regional_dla("53"))
        )
        national = factory.Trait(role=Role.NATIONAL, dla=None)
        admin = factory.Trait(role=Role.ADMIN, dla=None, is_staff=True, is_superuser=True)
        financeur_role = factory.Trait(
            role=Role.FINANCEUR,
            dla=None,
            financeur=factory.LazyFunction(regional_state_service),
        )
        crdla_role = factory.Trait(
            role=Role.CRDLA,
            dla=None,
            centre_ressources=factory.LazyFunction(resource_centre),
        )
