"""Page, page size and sort order of a list, from the query string.

Every paginated list goes through ``configure_table``: whatever the query string
says, the database sees a page size between 1 and ``MAX_PER_PAGE``, an offset
below ``MAX_PAGE × MAX_PER_PAGE`` and an ordering on the table's own sortable
columns. A parameter that makes no sense is ignored (the default applies); a page
number past ``MAX_PAGE``, or past the list's last page, is a 404, as a page that
does not exist.
"""

from django.core.paginator import EmptyPage
from django.http import Http404, HttpRequest
from django_tables2 import LazyPaginator, Table

MAX_PER_PAGE = 100
# 10,000 pages of 100 rows: deeper than any register, shallow enough for an OFFSET.
MAX_PAGE = 10_000
MAX_SORT_KEYS = 3
# The largest id a BigAutoField holds: an id parameter above it names nothing.
MAX_ID = 2**63 - 1
_NO_SUCH_PAGE = "Cette page de la liste n'existe pas."
# Longer than any column name; a longer value is not a column.
_MAX_PARAM_LENGTH = 100


def bounded_int(raw: str | None, *, default: int, minimum: int, maximum: int) -> int:
    """``raw`` as an integer within [minimum, maximum]; ``default`` when it is not one.

    Above ``maximum`` is clamped, below ``minimum`` or not a number falls back to
    ``default``: a page size of -5 means nothing, one of 10,000 means "as many as
    you may".
    """
    if raw is None or len(raw) > _MAX_PARAM_LENGTH:
        return default
    raw = raw.strip()
    # isdecimal() refuses signs, spaces, exponents and "½"; int() of a long string is bounded above.
    if not raw.isascii() or not raw.isdecimal():
        return default
    value = int(raw)
    if value < minimum:
        return default
    return min(value, maximum)


def page_number(raw: str | None) -> int:
    """A 1-based page number; past ``MAX_PAGE`` the page cannot exist: 404."""
    number = bounded_int(raw, default=1, minimum=1, maximum=MAX_PAGE + 1)
    if number > MAX_PAGE:
        raise Http404(_NO_SUCH_PAGE)
    return number


def sort_keys(table: Table, values: list[str]) -> list[str]:
    """The requested sort keys that name a sortable column of ``table`` (``-`` for descending)."""
    orderable = {name for name, column in table.columns.items() if column.orderable}
    keys: list[str] = []
    for value in values:
        for key in value.split(","):
            key = key.strip()
            if len(key) > _MAX_PARAM_LENGTH or key.removeprefix("-") not in orderable:
                continue
            if key not in keys:
                keys.append(key)
    return keys[:MAX_SORT_KEYS]


def configure_table(request: HttpRequest, table: Table, *, per_page: int) -> Table:
    """Sort and paginate ``table`` from the query string (without counting its rows)."""
    table.request = request
    keys = sort_keys(table, request.GET.getlist(table.prefixed_order_by_field))
    if keys:
        table.order_by = keys
    try:
        table.paginate(
            paginator_class=LazyPaginator,
            page=page_number(request.GET.get(table.prefixed_page_field)),
            per_page=bounded_int(
                request.GET.get(table.prefixed_per_page_field),
                default=per_page,
                minimum=1,
                maximum=MAX_PER_PAGE,
            ),
        )
    except EmptyPage:
        # A page after the last one (an old link, a list that shrank): it does not exist.
        raise Http404(_NO_SUCH_PAGE) from None
    return table
