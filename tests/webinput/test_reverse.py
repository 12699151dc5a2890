"""reverse_pk, reverse_rows and reverse_children (issue 18): the string Django's reverse
gives, for any id, prefix or URLconf."""

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from webinput.reverse import reverse_children, reverse_fixed, reverse_pk, reverse_rows

VIEWS = ["accompagnements:detail", "structures:detail", "dossiers:document"]


@pytest.mark.parametrize("viewname", VIEWS)
@pytest.mark.parametrize("pk", [1, 7, 10, 987_654_321, 2**63 - 1])
def test_same_url_as_reverse(viewname, pk):
    assert reverse_pk(viewname, pk) == reverse(viewname, kwargs={"pk": pk})


def test_a_parameter_named_otherwise_than_pk():
    # reporting/urls.py: campagnes/<int:year>/
    assert reverse_pk("reporting:campaign", 2025) == reverse("reporting:campaign", args=[2025])
    assert reverse_pk("reporting:campaign", 2025).endswith("/campagnes/2025/")


def test_known_shape():
    # Worked out from accompagnements/urls.py, not from reverse.
    assert reverse_pk("accompagnements:detail", 42) == "/accompagnements/42/"


def test_script_prefix_is_followed():
    try:
        set_script_prefix("/dla/")
        assert reverse_pk("accompagnements:detail", 42) == "/dla/accompagnements/42/"
    finally:
        clear_script_prefix()
    assert reverse_pk("accompagnements:detail", 42) == "/accompagnements/42/"


def test_views_without_an_int_pk_fall_back_to_reverse():
    # A string id: reverse itself decides (here: no match, as it would for reverse).
    with pytest.raises(NoReverseMatch):
        reverse_pk("accompagnements:detail", "abc")  # type: ignore[arg-type]
    with pytest.raises(NoReverseMatch):
        reverse_pk("accompagnements:list", 3)


@pytest.mark.parametrize("viewname", ["home", "accompagnements:list", "reporting:dashboard"])
def test_fixed_urls_as_reverse(viewname):
    assert reverse_fixed(viewname) == reverse(viewname)
    try:
        set_script_prefix("/dla/")
        assert reverse_fixed(viewname) == reverse(viewname)
        assert reverse_fixed(viewname).startswith("/dla/")
    finally:
        clear_script_prefix()


@pytest.mark.parametrize("pk", [1, 10, 987_654_321, 2**63 - 1])
def test_rows_of_a_parent_as_reverse(pk):
    url = reverse_rows("accompagnements:tache_done", 42)
    assert url(pk) == reverse("accompagnements:tache_done", args=[42, pk])
    # Worked out from accompagnements/urls.py, not from reverse.
    assert url(pk) == f"/accompagnements/42/taches/{pk}/fait/"


def test_rows_follow_the_script_prefix():
    try:
        set_script_prefix("/dla/")
        assert reverse_rows("accompagnements:echange_edit", 7)(3) == (
            "/dla/accompagnements/7/echanges/3/"
        )
    finally:
        clear_script_prefix()


@pytest.mark.parametrize("parent", [1, 42, 987_654_321, 987_654_322])
@pytest.mark.parametrize("pk", [1, 10, 987_654_321, 987_654_322, 2**63 - 1])
def test_children_of_any_parent_as_reverse(parent, pk):
    url = reverse_children("accompagnements:tache_done")
    assert url(parent, pk) == reverse("accompagnements:tache_done", args=[parent, pk])
    # Worked out from accompagnements/urls.py, not from reverse.
    assert url(parent, pk) == f"/accompagnements/{parent}/taches/{pk}/fait/"


def test_children_follow_the_script_prefix():
    try:
        set_script_prefix("/dla/")
        assert reverse_children("accompagnements:echange_edit")(7, 3) == (
            "/dla/accompagnements/7/echanges/3/"
        )
    finally:
        clear_script_prefix()
