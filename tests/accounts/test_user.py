import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from tests.accounts.factories import UserFactory, departmental_dla, regional_dla


@pytest.mark.django_db
def test_officer_must_work_for_a_departmental_dla():
    user = UserFactory.build(username="x", role=Role.OFFICER, dla=regional_dla("53"))
    with pytest.raises(ValidationError, match="DLA"):
        user.full_clean()


@pytest.mark.django_db
def test_coordinator_must_work_for_a_regional_dla():
    user = UserFactory.build(username="y", role=Role.COORDINATOR, dla=departmental_dla("35"))
    with pytest.raises(ValidationError, match="DLA régional"):
        user.full_clean()


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2_in_production_settings(settings):
    from django.conf import settings as conf

    from dla_suivi.settings import base

    # Argon2id at the project's parameters (tests/accounts/test_password_hashers.py).
    assert base.PASSWORD_HASHERS[0] == "dla_suivi.hashers.Argon2idPasswordHasher"
    assert conf.AUTH_USER_MODEL == "accounts.User"
