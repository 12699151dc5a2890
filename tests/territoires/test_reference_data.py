import pytest

from territoires.models import Departement, Dla, Region


@pytest.mark.django_db
def test_france_has_18_regions_and_101_departments():
    assert Region.objects.count() == 18
    assert Departement.objects.count() == 101
    assert set(Departement.objects.filter(region__code="94").values_list("code", flat=True)) == {
        "2A",
        "2B",
    }
    overseas = set(Departement.objects.filter(code__startswith="97").values_list("code", flat=True))
    assert overseas == {"971", "972", "973", "974", "976"}


@pytest.mark.django_db
def test_one_departmental_dla_per_department_and_one_regional_per_region():
    assert Dla.objects.filter(level=Dla.Level.DEPARTEMENTAL).count() == 101
    assert Dla.objects.filter(level=Dla.Level.REGIONAL).count() == 18
    mismatched = [
        dla
        for dla in Dla.objects.filter(level=Dla.Level.DEPARTEMENTAL).select_related("departement")
        if dla.region_id != dla.departement.region_id
    ]
    assert mismatched == []
