from stdnum.fr import siret

from demo.config import Rng
from demo.structures import random_siret, siret_for


def test_siret_for_is_a_valid_siret_of_the_number_and_establishment():
    assert siret_for(1) == "00000001800010"
    assert siret_for(1, establishment=2) == "00000001800028"
    assert all(siret.is_valid(siret_for(n, n % 97 + 1)) for n in range(1, 3000))


def test_random_siret_is_valid_and_never_one_already_used():
    used = {siret_for(n) for n in range(10)}
    drawn = [random_siret(Rng(3), used) for _ in range(500)]
    assert len(set(drawn)) == 500
    assert all(siret.is_valid(s) for s in drawn)
    assert used.issuperset(drawn)  # each draw is recorded, so the next one avoids it
