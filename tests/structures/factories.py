import factory
from stdnum import luhn
from stdnum.fr import siret

from structures.models import Contact, LegalForm, Sector, Structure
from territoires.models import Departement


def make_siret(n: int) -> str:
    """A valid SIRET: a valid SIREN followed by a valid establishment number."""
    base = f"{(n % 10**8):08d}"
    siren = base + luhn.calc_check_digit(base)
    body = f"{siren}0001"
    candidate = body + luhn.calc_check_digit(body)
    assert siret.is_valid(candidate)
    return candidate


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Association des Amis {n}")
    siret = factory.Sequence(lambda n: make_siret(n + 1))
    rna = factory.Sequence(lambda n: f"W{350000000 + n}")
    legal_form = LegalForm.ASSOCIATION
    sector = Sector.CULTURE
    postal_code = "35000"
    commune = "Rennes"
    departement = factory.LazyFunction(lambda: Departement.objects.get(code="35"))
    headcount = 5
    cdi_count = 3
    cdd_count = 2
    fte = 4

    class Params:
        in_finistere = factory.Trait(
            postal_code="29200",
            commune="Brest",
            departement=factory.LazyFunction(lambda: Departement.objects.get(code="29")),
        )
        in_loire_atlantique = factory.Trait(
            postal_code="44000",
            commune="Nantes",
            departement=factory.LazyFunction(lambda: Departement.objects.get(code="44")),
        )


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    structure = factory.SubFactory(StructureFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = "Président·e"
    email = factory.Faker("email", locale="fr_FR")
