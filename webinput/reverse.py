"""A row's URL by its id: Django's ``reverse`` once per view, then string formatting;
and the URL of a view without arguments (the menu's), reversed once.

``reverse`` walks the resolver's candidates, checks the arguments against the pattern
and quotes the result: ~40 µs a call, so 50 links on a list page cost 2–3 ms of CPU
(issue 18). The URL of a ``<int:pk>`` view differs from row to row only by the id, so
the URL is reversed once with a marker id, split around it, and each row's URL is the
two halves around its id. A view that takes something else is reversed as before
(``reverse`` raises for it what it always did).
"""

from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Reversed in place of an id; no table of this project comes near it.
_MARKER = 987_654_321_987_654_321


@lru_cache(maxsize=128)
def _halves(viewname: str, prefix: str, urlconf: str) -> tuple[str, str] | None:
    # Positional: the view's one parameter, whatever its name (``pk``, ``year``…).
    url = reverse(viewname, urlconf=urlconf, args=[_MARKER])
    head, found, tail = url.partition(str(_MARKER))
    if not found or str(_MARKER) in tail:
        return None
    return head, tail


def reverse_pk(viewname: str, pk: int) -> str:
    """``reverse(viewname, args=[pk])`` for a view of one ``int`` parameter, the same
    string, without the walk."""
    if type(pk) is not int:
        return reverse(viewname, args=[pk])
    # Keyed on what reverse reads: the script prefix and the URLconf (tests swap both).
    halves = _halves(viewname, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    if halves is None:
        return reverse(viewname, args=[pk])
    return f"{halves[0]}{pk}{halves[1]}"


def reverse_rows(viewname: str, *parents: object) -> Callable[[int], str]:
    """The URL of each row of a view whose last parameter is the row's id and whose other
    parameters are ``parents`` (a case's tasks: ``<int:pk>/taches/<int:tache_pk>/``):
    reversed once for a list of rows, then each row's id between the two halves."""
    url = reverse(viewname, args=[*parents, _MARKER])
    head, found, tail = url.partition(str(_MARKER))
    if not found or str(_MARKER) in tail:
        return lambda pk: reverse(viewname, args=[*parents, pk])
    return lambda pk: f"{head}{pk}{tail}"


def reverse_children(viewname: str) -> Callable[[int, int], str]:
    """The URL of a child row by its parent's id and its own, for rows of many parents
    (a person's tasks across cases: ``<int:pk>/taches/<int:tache_pk>/``): reversed once,
    then both ids set in place."""
    first, second = str(_MARKER), str(_MARKER + 1)
    url = reverse(viewname, args=[_MARKER, _MARKER + 1])
    head, found, rest = url.partition(first)
    middle, found_second, tail = rest.partition(second)
    if not (found and found_second) or first in tail or second in tail or second in head:
        return lambda parent, pk: reverse(viewname, args=[parent, pk])
    return lambda parent, pk: f"{head}{parent}{middle}{pk}{tail}"


@lru_cache(maxsize=128)
def _fixed(viewname: str, prefix: str, urlconf: str) -> str:
    return reverse(viewname, urlconf=urlconf)


def reverse_fixed(viewname: str) -> str:
    """``reverse(viewname)`` for a view without arguments, reversed once per process."""
    return _fixed(viewname, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
