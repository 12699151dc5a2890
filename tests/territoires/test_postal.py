import pytest

from territoires.models import Departement
from territoires.postal import departement_code_from_postal_code


@pytest.mark.parametrize(
    ("postal_code", "expected"),
    [
        ("35000", "35"),
        ("01000", "01"),
        ("75011", "75"),
        ("20000", "2A"),
        ("20199", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97100", "971"),
        ("97400", "974"),
        ("97600", "976"),
        (" 29200 ", "29"),
    ],
)
def test_department_is_derived_from_postal_code(postal_code, expected):
    assert departement_code_from_postal_code(postal_code) == expected


@pytest.mark.parametrize("postal_code", ["", "3500", "350000", "ABCDE", "00100", "98000", None])
def test_not_a_french_postal_code_gives_none(postal_code):
    assert departement_code_from_postal_code(postal_code) is None


@pytest.mark.django_db
def test_every_derived_metropolitan_code_exists_in_reference_data():
    codes = set(Departement.objects.values_list("code", flat=True))
    for number in range(1, 96):
        if number == 20:
            continue
        assert departement_code_from_postal_code(f"{number:02d}100") in codes
