"""The signed-in person is read with their DLA (one query a page, not two), by the
password backend and the SSO backend alike."""

import pytest

from accounts.backends import PasswordBackend
from accounts.sso import SsoBackend

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend", [PasswordBackend, SsoBackend])
def test_the_person_comes_with_their_dla(backend, personas, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = backend().get_user(personas.officer_a.pk)
        assert user.dla.departement_id == personas.officer_a.dla.departement_id


@pytest.mark.parametrize("backend", [PasswordBackend, SsoBackend])
def test_a_deleted_person_is_nobody(backend, personas):
    pk = personas.officer_b.pk
    personas.officer_b.delete()
    assert backend().get_user(pk) is None


def test_a_deactivated_person_is_signed_out(personas):
    personas.officer_a.is_active = False
    personas.officer_a.save(update_fields=["is_active"])
    assert PasswordBackend().get_user(personas.officer_a.pk) is None
