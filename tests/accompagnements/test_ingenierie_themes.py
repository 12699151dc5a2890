"""Ingénierie themes follow the national bilan's nomenclature, not the diagnostic's axes."""

import importlib

from django.apps import apps

from accompagnements.models import THEME_OF_AXIS, Axis, Ingenierie, IngenierieTheme
from tests.accompagnements.factories import IngenierieFactory

migration = importlib.import_module("accompagnements.migrations.0015_map_ingenierie_themes")


def test_the_themes_are_the_bilans():
    assert [label for _, label in IngenierieTheme.choices] == [
        "projet et stratégie",
        "organisation interne",
        "restructuration économique et financière",
        "diversification des financements",
        "mutualisation, fusion, regroupement",
        "fonction employeur et RH",
        "communication",
        "numérique",
        "transition écologique",
    ]
    # Every axis leads to a theme: a diagnostic's priority has an ingénierie theme.
    assert set(THEME_OF_AXIS) == set(Axis)


def test_the_data_migration_maps_existing_rows_and_their_history(db):
    old = {
        "gouvernance": "organisation",
        "modele_economique": "restructuration",
        "financement": "diversification_financements",
        "partenariats": "mutualisation",
        "organisation": "organisation",
        "projet_strategie": "projet_strategie",
        "numerique": "numerique",
    }
    ingenieries = {}
    for axis in old:
        ingenierie = IngenierieFactory(theme=IngenierieTheme.PROJET_STRATEGIE)
        # Rows as they stood before: codes of the diagnostic's axes, in the history too.
        Ingenierie.objects.filter(pk=ingenierie.pk).update(theme=axis)
        Ingenierie.history.filter(id=ingenierie.pk).update(theme=axis)
        ingenieries[axis] = ingenierie.pk
    migration.forwards(apps, None)
    for axis, theme in old.items():
        pk = ingenieries[axis]
        assert Ingenierie.objects.get(pk=pk).theme == theme
        assert set(Ingenierie.history.filter(id=pk).values_list("theme", flat=True)) == {theme}
    migration.backwards(apps, None)
    # Back: each theme to the axis it came from (gouvernance stays organisation interne).
    assert Ingenierie.objects.get(pk=ingenieries["modele_economique"]).theme == "modele_economique"
    assert Ingenierie.objects.get(pk=ingenieries["gouvernance"]).theme == "organisation"


def test_consultants_competences_follow_the_themes(db):
    from espace.models import Referencement
    from tests.accompagnements.factories import PrestataireFactory

    competences = importlib.import_module(
        "espace.migrations.0004_map_competences_to_ingenierie_themes"
    )
    referencement = Referencement.objects.create(
        prestataire=PrestataireFactory(), competences=",gouvernance,modele_economique,numerique,"
    )
    competences.forwards(apps, None)
    referencement.refresh_from_db()
    assert referencement.competences == ",numerique,organisation,restructuration,"
