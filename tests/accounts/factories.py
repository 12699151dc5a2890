import factory

from accounts.models import Role, User
from territoires.models import Dla


def departmental_dla(code: str) -> Dla:
    return Dla.objects.get(level=Dla.Level.DEPARTEMENTAL, departement__code=code)


def regional_dla(region_code: str) -> Dla:
    return Dla.objects.get(level=Dla.Level.REGIONAL, region__code=region_code)


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
