import datetime

import factory
from django.utils import timezone

from accompagnements.models import (
    Accompagnement,
    ActeurAppui,
    ActeurKind,
    ActionKind,
    ComiteAppui,
    Diagnostic,
    FollowUp,
    Ingenierie,
    IngenierieStatus,
    IngenierieTheme,
    Parcours,
    PlanAction,
    Prestataire,
    Situation,
    State,
)
from territoires.models import Departement
from tests.accounts.factories import UserFactory, departmental_dla, regional_dla
from tests.structures.factories import StructureFactory


class AccompagnementFactory(factory.django.DjangoModelFactory):
    """A case in accueil. Traits build what each later phase requires."""

    class Meta:
        model = Accompagnement
        skip_postgeneration_save = True

    structure = factory.SubFactory(StructureFactory)
    officer = factory.SubFactory(UserFactory, username="alice")
    dla = factory.LazyAttribute(lambda o: o.officer.dla)
    request = "Consolider le modèle économique et structurer la fonction employeur."
    opened_on = factory.LazyFunction(timezone.localdate)
    state_entered_at = factory.LazyFunction(timezone.now)

    class Params:
        # Data that lets the case leave each phase (guards satisfied).
        diagnostic_validated = factory.Trait(
            diagnostic=factory.RelatedFactory(
                "tests.accompagnements.factories.DiagnosticFactory",
                factory_related_name="accompagnement",
                validated=True,
            )
        )
        plan_without_ingenierie = factory.Trait(
            parcours=factory.RelatedFactory(
                "tests.accompagnements.factories.ParcoursFactory",
                factory_related_name="accompagnement",
                validated=True,
            ),
            action=factory.RelatedFactory(
                "tests.accompagnements.factories.PlanActionFactory",
                factory_related_name="accompagnement",
            ),
        )
        plan_with_ingenierie = factory.Trait(
            parcours=factory.RelatedFactory(
                "tests.accompagnements.factories.ParcoursFactory",
                factory_related_name="accompagnement",
                validated=True,
            ),
            action=factory.RelatedFactory(
                "tests.accompagnements.factories.PlanActionFactory",
                factory_related_name="accompagnement",
                ingenierie_action=True,
            ),
        )
        followup_recorded = factory.Trait(
            followup=factory.RelatedFactory(
                "tests.accompagnements.factories.FollowUpFactory",
                factory_related_name="accompagnement",
            )
        )

    @classmethod
    def _create(cls, model_class, *args, state=State.ACCUEIL, **kwargs):
        # The state field is protected: set it before the first save, as a fixture would.
        obj = model_class(*args, **kwargs)
        obj.__dict__["state"] = state
        obj.save(force_insert=True)
        return obj


class DiagnosticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnostic

    accompagnement = factory.SubFactory(AccompagnementFactory)
    first_interview_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=20)
    )
    summary = "Structure culturelle en croissance, gouvernance à clarifier."

    class Params:
        validated = factory.Trait(
            validated_by_name="Marie Durand, présidente",
            validated_on=factory.LazyFunction(timezone.localdate),
        )


class ParcoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parcours

    accompagnement = factory.SubFactory(AccompagnementFactory)
    priorities = "1. Modèle économique 2. Gouvernance"

    class Params:
        validated = factory.Trait(
            validated_by_name="Marie Durand, présidente",
            validated_on=factory.LazyFunction(timezone.localdate),
        )


class PrestataireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prestataire

    name = factory.Sequence(lambda n: f"Cabinet Conseil {n}")
    dla = factory.LazyFunction(lambda: regional_dla("53"))
    themes = "modèle économique, gouvernance"

    class Params:
        in_other_region = factory.Trait(dla=factory.LazyFunction(lambda: regional_dla("52")))


class IngenierieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ingenierie

    dla = factory.LazyFunction(lambda: departmental_dla("35"))
    title = factory.Sequence(lambda n: f"Consolidation du modèle économique {n}")
    theme = IngenierieTheme.RESTRUCTURATION

    class Params:
        attributed = factory.Trait(
            selected_prestataire=factory.SubFactory(PrestataireFactory),
            status=IngenierieStatus.ATTRIBUEE,
            days=4,
            daily_rate=1000,
        )
        finished = factory.Trait(
            selected_prestataire=factory.SubFactory(PrestataireFactory),
            status=IngenierieStatus.TERMINEE,
            days=4,
            daily_rate=1000,
        )


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    accompagnement = factory.SubFactory(AccompagnementFactory)
    kind = ActionKind.STRUCTURE
    title = factory.Sequence(lambda n: f"Action {n}")

    class Params:
        ingenierie_action = factory.Trait(
            kind=ActionKind.INGENIERIE,
            ingenierie=factory.SubFactory(IngenierieFactory),
        )


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    accompagnement = factory.SubFactory(AccompagnementFactory)
    checked_on = factory.LazyFunction(timezone.localdate)
    headcount = 6
    fte = 5
    cdi_count = 4
    cdd_count = 2
    situation = Situation.CONSOLIDATED


class ActeurAppuiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActeurAppui
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Incubateur {n}")
    kind = ActeurKind.INCUBATEUR
    region = factory.LazyAttribute(lambda o: o.dla.region)
    dla = factory.LazyFunction(lambda: departmental_dla("35"))

    @factory.post_generation
    def departements(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [self.dla.departement or Departement.objects.get(code="35")]
        self.departements.set(extracted)


class ComiteAppuiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComiteAppui

    dla = factory.LazyFunction(lambda: departmental_dla("35"))
    held_on = factory.LazyFunction(timezone.localdate)
