"""Personas (STYLE.md): two officers of one region, two coordinators, national, anonymous.

Department A is Ille-et-Vilaine (35) and department B Finistère (29), both in
Bretagne (53); the other region is Pays de la Loire (52), department 44.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from territoires.models import Departement, Region
from tests.accounts.factories import UserFactory, departmental_dla, regional_dla

PASSWORD = "motdepasse-test"


@dataclass
class Personas:
    officer_a: User
    officer_b: User
    coordinator: User
    other_coordinator: User
    other_officer: User
    national: User
    admin: User
    anonymous: AnonymousUser
    departement_a: Departement
    departement_b: Departement
    other_departement: Departement
    region: Region
    other_region: Region
    # Read-only partners (issue 16): the Bretagne State service funds the DLAs of
    # departments A and B; the culture resource centre reads what cases share with it.
    financeur: User
    crdla: User

    def all_users(self):
        return {
            "officer_a": self.officer_a,
            "officer_b": self.officer_b,
            "coordinator": self.coordinator,
            "other_coordinator": self.other_coordinator,
            "other_officer": self.other_officer,
            "national": self.national,
            "admin": self.admin,
            "financeur": self.financeur,
            "crdla": self.crdla,
        }


@pytest.fixture
def personas(db) -> Personas:
    return Personas(
        officer_a=UserFactory(username="alice", dla=departmental_dla("35")),
        officer_b=UserFactory(username="bob", dla=departmental_dla("29")),
        coordinator=UserFactory(username="charlie", coordinator=True),
        other_coordinator=UserFactory(username="diane", coordinator=True, dla=regional_dla("52")),
        other_officer=UserFactory(username="eve", dla=departmental_dla("44")),
        national=UserFactory(username="nadia", national=True),
        admin=UserFactory(username="root", admin=True),
        anonymous=AnonymousUser(),
        departement_a=Departement.objects.get(code="35"),
        departement_b=Departement.objects.get(code="29"),
        other_departement=Departement.objects.get(code="44"),
        region=Region.objects.get(code="53"),
        other_region=Region.objects.get(code="52"),
        financeur=UserFactory(username="fanny", financeur_role=True),
        crdla=UserFactory(username="cyril", crdla_role=True),
    )


@pytest.fixture
def client_for(client):
    """client_for(user) returns a test client logged in as that user."""

    def login(user):
        if user.is_authenticated:
            client.force_login(user)
        else:
            client.logout()
        return client

    return login


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need a real PostgreSQL: skipped on the SQLite default."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Generated files (reports, exports, imports) go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
