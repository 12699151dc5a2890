"""Directory of the other support actors of a territory (DOMAIN.md, "ecosystem")."""

from django.db import models

from territoires.collation import french
from territoires.scope import ScopedQuerySet, ScopeFields


class ActeurAppuiQuerySet(ScopedQuerySet):
    # Visible where the actor works; written by the DLA that registered it.
    scope_fields = ScopeFields(region="region", departement="departements", dla="dla")


class ActeurKind(models.TextChoices):
    INCUBATEUR = "incubateur", "incubateur, couveuse, pépinière"
    FABRIQUE = "fabrique", "Fabrique à initiatives"
    CRESS = "cress", "CRESS ou plateforme d'orientation"
    FRANCE_ACTIVE = "france_active", "France Active"
    FINANCEUR = "financeur", "financeur solidaire"
    RESEAU = "reseau", "réseau ou fédération"
    CHANGEMENT_ECHELLE = "changement_echelle", "programme de changement d'échelle"
    INSTITUTION = "institution", "service public (État, collectivité, France Travail)"
    AUTRE = "autre", "autre"


class ActeurAppui(models.Model):
    """Another support actor a structure can be oriented to."""

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=30, choices=ActeurKind.choices)
    region = models.ForeignKey(
        "territoires.Region",
        on_delete=models.PROTECT,
        related_name="acteurs_appui",
        verbose_name="région",
    )
    departements = models.ManyToManyField(
        "territoires.Departement",
        related_name="acteurs_appui",
        verbose_name="départements couverts",
    )
    dla = models.ForeignKey(
        "territoires.Dla",
        on_delete=models.PROTECT,
        related_name="acteurs_appui",
        verbose_name="référencé par",
    )
    offer = models.TextField("offre d'accompagnement", blank=True)
    website = models.URLField("site internet", blank=True)
    email = models.EmailField("courriel de contact", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    is_active = models.BooleanField("actif", default=True)

    objects = ActeurAppuiQuerySet.as_manager()

    class Meta:
        verbose_name = "acteur d'appui"
        verbose_name_plural = "acteurs d'appui"
        ordering = [french("name"), "pk"]

    # What __str__ reads: pages naming many people load these columns alone (the timeline).
    NAME_FIELDS = ("name",)

    def __str__(self):
        return self.name
