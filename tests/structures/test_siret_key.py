"""The SIRET's key (structures.validation): Luhn's on the SIRET and on its SIREN, La
Poste's establishments by the sum of their digits. Worked out by hand, then compared
with python-stdnum's ``fr.siret`` over many numbers."""

import random

import pytest
from django.core.exceptions import ValidationError
from stdnum.fr import siret as stdnum_siret

from structures.validation import clean_siret


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        # SIREN 732829320: kept digits 0+3+2+2+7 = 14, doubled 4+9+7+6 = 26, 40.
        # SIRET: kept 4+0+0+2+9+8+3 = 26, doubled 5+0+0+6+4+4+5 = 24, 50.
        ("73282932000074", True),
        ("73282932000075", False),  # 51
        # The SIRET's key holds (60) but not its SIREN's (732829321: 41).
        ("73282932100007", False),
        # La Poste: 3+5+6+1+2+3+4+6 = 30, a multiple of 5 (its SIREN's key: 10).
        ("35600000012346", True),
        ("35600000012345", False),  # 29
        # La Poste's head office keeps Luhn's key (30), its digits summing to 26.
        ("35600000000048", True),
    ],
)
def test_siret_key_worked_out_by_hand(siret, valid):
    if valid:
        assert clean_siret(siret) == siret
    else:
        with pytest.raises(ValidationError) as error:
            clean_siret(siret)
        assert error.value.code == "siret_checksum"


def test_siret_key_agrees_with_python_stdnum():
    rng = random.Random(18)
    numbers = ["".join(rng.choices("0123456789", k=14)) for _ in range(20_000)]
    numbers += ["356000000" + "".join(rng.choices("0123456789", k=5)) for _ in range(5_000)]
    accepted = 0
    for number in numbers:
        expected = stdnum_siret.is_valid(number)
        try:
            clean_siret(number)
        except ValidationError:
            assert not expected, number
        else:
            assert expected, number
            accepted += 1
    # Both verdicts occur: one number in a hundred passes Luhn's two keys (~200 of
    # 20,000), one in five of La Poste's its own (~1,000 of 5,000).
    assert 1_000 < accepted < 1_500
