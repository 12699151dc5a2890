import factory

from demo.structures import siret_for
from structures.models import Contact, LegalForm, Sector, Structure
from territoires.models import Departement


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Association des Amis {n}")
    siret = factory.Sequence(lambda n: siret_for(n + 1))
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
