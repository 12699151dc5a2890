"""French alphabetical order (territoires.collation), on the database the suite runs on.

Run on SQLite by default and on PostgreSQL with DATABASE_URL: the same expected order
on both. The expected lists are written by hand from a French dictionary's rules:
accents and case ignored first (École among the E's, Île-de-France among the I's),
then unaccented before accented, lower case before upper case; Œ spelled OE.
"""

import csv
import io

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from structures.models import Structure
from territoires.collation import french, french_order, sort_key
from territoires.models import Region
from tests.structures.factories import StructureFactory

SHUFFLED = [
    "zèbre",
    "Orne",
    "Œuvre",
    "Indre",
    "Île-de-France",
    "Eure",
    "École",
    "ecole",
    "Bretagne",
    "abbaye",
    "Ecole",
]
FRENCH_ORDER = [
    "abbaye",
    "Bretagne",
    "ecole",
    "Ecole",
    "École",
    "Eure",
    "Île-de-France",
    "Indre",
    "Œuvre",
    "Orne",
    "zèbre",
]


def test_python_sort_key_follows_french_order():
    assert sorted(SHUFFLED, key=sort_key) == FRENCH_ORDER


def test_byte_order_is_not_french():
    # What the fix is for: without the collation, É, Î and Œ land after z.
    assert sorted(SHUFFLED) != FRENCH_ORDER
    assert sorted(SHUFFLED)[-3:] == ["École", "Île-de-France", "Œuvre"]


@pytest.fixture
def named_structures(db):
    return [StructureFactory(name=name) for name in SHUFFLED]


def test_database_orders_names_in_french(named_structures):
    names = Structure.objects.order_by(*french_order("name", "pk")).values_list("name", flat=True)
    assert list(names) == FRENCH_ORDER


def test_database_orders_descending(named_structures):
    names = Structure.objects.order_by(*french_order("-name")).values_list("name", flat=True)
    assert list(names) == FRENCH_ORDER[::-1]


def test_default_ordering_of_structures_is_french(named_structures):
    assert [s.name for s in Structure.objects.all()] == FRENCH_ORDER


def test_collation_keeps_equality_and_search(named_structures):
    # Deterministic: "École" equals only itself, and LIKE / contains still work.
    assert Structure.objects.filter(name="École").count() == 1
    assert Structure.objects.filter(name__contains="cole").count() == 3
    assert Structure.objects.filter(name__startswith="Île").count() == 1


def test_regions_are_listed_in_french_order(db):
    names = list(Region.objects.values_list("name", flat=True))
    # Reference data (territoires.0002): Île-de-France sits between Hauts-de-France
    # and La Réunion / Martinique, not after Pays de la Loire.
    index = names.index("Île-de-France")
    assert names[index - 1] == "Hauts-de-France"
    assert names[index + 1] in {"La Réunion", "Martinique"}


def test_structure_list_page_sorts_in_french(named_structures, personas, client):
    client.force_login(personas.national)
    response = client.get(reverse("structures:list"), {"sort": "name", "per_page": 100})
    shown = [row.record.name for row in response.context["table"].page.object_list]
    assert shown == FRENCH_ORDER
    response = client.get(reverse("structures:list"), {"sort": "-name", "per_page": 100})
    shown = [row.record.name for row in response.context["table"].page.object_list]
    assert shown == FRENCH_ORDER[::-1]


def test_structure_export_rows_in_french_order(named_structures, personas, client):
    client.force_login(personas.national)
    response = client.get(reverse("structures:export"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    names = [row[0] for row in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]]
    assert names == FRENCH_ORDER


def test_admin_changelist_sorts_names_in_french(named_structures, personas):
    admin_user = personas.national
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    model_admin = site._registry[Structure]
    request = RequestFactory().get("/admin/structures/structure/", {"o": "1"})
    request.user = admin_user
    changelist = model_admin.get_changelist_instance(request)
    assert [s.name for s in changelist.get_queryset(request)] == FRENCH_ORDER


def test_french_expression_orders_descending(named_structures):
    names = Structure.objects.order_by(french("name").desc()).values_list("name", flat=True)
    assert names[0] == "zèbre"
