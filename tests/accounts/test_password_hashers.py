"""The production password hasher: Argon2id at parameters at or above OWASP's minimum."""

from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

from dla_suivi.hashers import OWASP_MINIMUM, Argon2idPasswordHasher
from dla_suivi.settings import base


def test_production_settings_hash_with_the_tuned_argon2():
    assert base.PASSWORD_HASHERS[0] == "dla_suivi.hashers.Argon2idPasswordHasher"


def test_parameters_meet_owasp_minimum():
    # OWASP: m = 19 MiB = 19,456 KiB, t = 2, p = 1.
    assert OWASP_MINIMUM == {"memory_cost": 19456, "time_cost": 2, "parallelism": 1}
    hasher = Argon2idPasswordHasher()
    assert hasher.memory_cost == 32768 >= 19456
    assert hasher.time_cost == 2
    assert hasher.parallelism == 1


def test_hash_records_its_parameters_and_verifies():
    hasher = Argon2idPasswordHasher()
    encoded = make_password("correct horse battery", hasher=hasher)
    assert encoded.startswith("argon2$argon2id$v=19$m=32768,t=2,p=1$")
    assert hasher.verify("correct horse battery", encoded)
    assert not hasher.verify("wrong horse", encoded)
    assert not hasher.must_update(encoded)


def test_a_hash_made_with_django_defaults_still_verifies_and_asks_for_rehash():
    old = make_password("correct horse battery", hasher=Argon2PasswordHasher())
    hasher = Argon2idPasswordHasher()
    assert "m=102400,t=2,p=8" in old
    assert hasher.verify("correct horse battery", old)
    assert hasher.must_update(old)
