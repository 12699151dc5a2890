from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField

from territoires.scope import ScopedQuerySet, ScopeFields


class AccompagnementQuerySet(ScopedQuerySet):
    # A case belongs to the territory of its structure and is written by its owning DLA.
    scope_fields = ScopeFields(
        region="structure__region", departement="structure__departement", dla="dla"
    )

    def open(self):
        return self.filter(state__in=State.OPEN)


class State(models.TextChoices):
    ACCUEIL = "accueil", "accueil"
    DIAGNOSTIC = "diagnostic", "diagnostic partagé"
    PARCOURS = "parcours", "élaboration du parcours"
    COORDINATION = "coordination", "coordination de l'accompagnement"
    SUIVI = "suivi", "suivi de l'accompagnement"
    CLOTURE = "cloture", "clôturé"
    REORIENTE = "reoriente", "réorienté"
    ABANDONNE = "abandonne", "abandonné"


State.OPEN = ("accueil", "diagnostic", "parcours", "coordination", "suivi")
State.TERMINAL = ("cloture", "reoriente", "abandonne")


class Accompagnement(ConcurrentTransitionMixin, models.Model):
    """A DLA case: one structure's path through the five phases."""

    structure = models.ForeignKey(
        "structures.Structure",
        on_delete=models.PROTECT,
        related_name="accompagnements",
        verbose_name="structure",
    )
    dla = models.ForeignKey(
        "territoires.Dla",
        on_delete=models.PROTECT,
        related_name="accompagnements",
        verbose_name="DLA porteur",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="accompagnements",
        verbose_name="chargé·e d'accompagnement",
    )
    state = FSMField(
        "phase", default=State.ACCUEIL, choices=State.choices, protected=True, db_index=True
    )
    opened_on = models.DateField("ouvert le")
    closed_on = models.DateField("clos le", null=True, blank=True)

    objects = AccompagnementQuerySet.as_manager()

    class Meta:
        verbose_name = "accompagnement"
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(state__in=State.OPEN),
                name="one_open_accompagnement_per_structure",
            )
        ]

    def __str__(self):
        return f"Accompagnement de {self.structure} ({self.opened_on:%Y})"

    @property
    def is_open(self) -> bool:
        return self.state in State.OPEN
