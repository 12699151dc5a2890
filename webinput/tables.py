"""A list page's rows rendered in one pass, for django-tables2 tables (issue 18).

django-tables2 renders a cell through ``BoundRow.get_cell``: an accessor walk, an
``inspect.signature`` of the render method, attribute dictionaries rebuilt for
every cell and, for a ``DateColumn``, a template compiled for every cell. For 50
rows of 6–8 columns that was 60–70 % of a list page's CPU. ``html_rows`` keeps
the table's own definitions (columns, ``render_<name>`` methods, ``linkify``,
``row_attrs``, defaults and choices labels) but works out once per column what a
cell needs, then renders each row with plain calls. The table's template prints
the result (``templates/components/_rows.html``); sorting, headers and
pagination stay django-tables2's.

Supported: plain columns and ``render_<name>`` methods (with any of the keyword
arguments django-tables2 passes), ``linkify``, ``default``, choices fields
(``get_<field>_display``). A column class with a render of its own (``DateColumn``,
``TemplateColumn``…) goes through django-tables2's own ``get_cell``: correct,
only slower.
"""

import functools
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import conditional_escape, escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django_tables2 import Column, Table
from django_tables2.columns.base import LinkTransform
from django_tables2.rows import BoundRow
from django_tables2.utils import A, AttributeDict

from .markup import escaped
from .reverse import reverse_pk


@dataclass
class _Cell:
    name: str
    td: str
    accessor: A
    render: Callable[..., Any] | None  # None: the value itself
    arguments: frozenset[str] | None  # None: every optional argument
    link: Any
    default: Any
    empty_values: tuple
    generic: bool  # let django-tables2 render it (column class with its own render)
    # A link to a view by the record's id (``linkify=(view, [A("pk")])``): its name.
    pk_view: str | None = None
    choices: bool | None = None  # decided on the first record
    labels: dict[Any, str] | None = None  # the choices field's labels, by value
    bits: tuple[str, ...] = ()  # the accessor's path (``_resolve``)


def _plan(table: Table) -> list[_Cell]:
    cells = []
    for bound in table.columns:
        column = bound.column
        render = getattr(table, f"render_{bound.name}", None)
        own_render = type(column).render is not Column.render
        arguments = _arguments(render) if render is not None else None
        cells.append(
            _Cell(
                name=bound.name,
                td=bound.attrs["td"].as_html(),
                accessor=A(bound.accessor),
                render=render,
                arguments=arguments,
                link=bound.link,
                default=bound.default,
                empty_values=column.empty_values,
                generic=render is None and own_render,
                pk_view=_pk_view(bound.link),
                bits=tuple(A(bound.accessor).bits),
            )
        )
    return cells


def _resolve(cell: _Cell, record: Any) -> Any:
    """``cell.accessor.resolve(record)`` for a path through model instances, by plain
    attribute reads: django-tables2 first tries each step as a dictionary key, and a
    model instance answers with a ``TypeError`` raised and caught at every step (~2 µs
    each, 300 cells a page). Anything else (a dictionary, a callable met on the way, an
    attribute missing) goes through ``resolve`` itself."""
    current = record
    for bit in cell.bits:
        if not isinstance(current, models.Model):
            return cell.accessor.resolve(record)
        try:
            current = getattr(current, bit)
        except AttributeError:
            return cell.accessor.resolve(record)
        if callable(current):
            return cell.accessor.resolve(record)
        if current is None:
            return None
    return current


def _pk_view(link: Any) -> str | None:
    """The view a ``linkify=(view, [A("pk")])`` (or ``{name: A("pk")}``: the view's one
    parameter) links to, when that is all the link does: its URL then comes from
    ``reverse_pk``, not ``reverse``."""
    if not isinstance(link, LinkTransform) or link.url or link.attrs or link.accessor:
        return None
    arguments = dict(link.reverse_args)
    viewname = arguments.pop("viewname", None)
    ids = arguments.pop("args", None) or list(arguments.pop("kwargs", {}).values())
    if not isinstance(viewname, str) or arguments or len(ids) != 1:
        return None
    if not (isinstance(ids[0], A) and str(ids[0]) == "pk"):
        return None
    return viewname


def _value(cell: _Cell, record: Any) -> Any:
    if cell.choices is None:
        penultimate, remainder = cell.accessor.penultimate(record)
        cell.choices = False
        if isinstance(penultimate, models.Model):
            try:
                field = cell.accessor.get_field(record)
            except FieldDoesNotExist:
                field = None
            display = getattr(penultimate, f"get_{remainder}_display", None)
            cell.choices = bool(getattr(field, "choices", None) and display)
            if cell.choices:
                # What get_<field>_display returns, without rebuilding the choices
                # dictionary for every cell (Django does: ~50 µs a call).
                cell.labels = {value: str(label) for value, label in field.flatchoices}
    value = _resolve(cell, record)
    if cell.labels is not None:
        return cell.labels.get(value, value)
    return value


def _render(table: Table, cell: _Cell, record: Any) -> SafeString:
    if cell.generic:
        bound_row = BoundRow(record, table=table)
        return conditional_escape(bound_row.get_cell(cell.name))
    value = _value(cell, record)
    if value in cell.empty_values:
        return conditional_escape(cell.default)
    content = value
    if cell.render is not None:
        optional = {"value": value, "record": record, "table": table}
        if cell.arguments is not None:
            optional = {k: v for k, v in optional.items() if k in cell.arguments}
        content = cell.render(**optional)
    if cell.pk_view is not None:
        # format_html's result, without its lazy-argument wrappers (a link a row).
        href = reverse_pk(cell.pk_view, record.pk)
        return mark_safe(f'<a href="{escaped(href)}">{escaped(content)}</a>')
    if cell.link:
        bound = table.columns[cell.name]
        content = cell.link(
            content, value=value, record=record, column=bound.column, bound_column=bound,
            table=table,
        )  # fmt: skip
    return conditional_escape(content)


def _arguments(function: Callable[..., Any]) -> frozenset[str] | None:
    """The keyword arguments ``function`` takes (``None``: any), its signature read once
    per function, not per request (a table's ``render_<name>`` is a new bound method each
    time)."""
    inner = getattr(function, "__func__", None)
    return _signature_names(inner, True) if inner is not None else _signature_names(function, False)


# Bounded: a closure made per request would otherwise grow it.
@functools.lru_cache(maxsize=512)
def _signature_names(function: Callable[..., Any], bound: bool) -> frozenset[str] | None:
    parameters = list(inspect.signature(function).parameters.values())[1 if bound else 0 :]
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return frozenset(p.name for p in parameters)


def _row_attrs(table: Table) -> Callable[[Any], dict[str, Any]]:
    """``row_attrs`` for one record; each callable's signature read once, not per row."""
    plain = {k: v for k, v in table.row_attrs.items() if not callable(v)}
    computed = [(k, v, _arguments(v)) for k, v in table.row_attrs.items() if callable(v)]

    def attrs(record: Any) -> dict[str, Any]:
        values = dict(plain)
        for key, function, arguments in computed:
            optional = {"table": table, "record": record}
            if arguments is not None:
                optional = {k: v for k, v in optional.items() if k in arguments}
            values[key] = function(**optional)
        return values

    return attrs


def html_rows(table: Table) -> Iterator[tuple[SafeString, list[tuple[str, SafeString]]]]:
    """``(row attributes, [(td attributes, cell HTML), …])`` for each row of the page."""
    cells = _plan(table)
    row_attrs = _row_attrs(table)
    rows = table.page.object_list if table.page else table.rows
    for counter, record in enumerate(row.record for row in rows):
        attrs = row_attrs(record)
        parity = "odd" if counter % 2 else "even"
        attrs["class"] = f"{attrs['class']} {parity}" if attrs.get("class") else parity
        yield (
            _row_attrs_html(attrs),
            [(cell.td, _render(table, cell, record)) for cell in cells],
        )


def html_body(table: Table) -> SafeString:
    """``html_rows`` joined into the ``<tbody>``'s content, a row a line, for one variable
    of ``components/_rows.html`` to print: a loop in the template prints a variable per
    cell and per row (650 for 50 rows of six columns), each through the engine's
    ``render_value_in_context``, ~17 % of a case list's CPU. Every piece is safe HTML
    already (``_render``, ``as_html``, ``_row_attrs_html``)."""
    parts = []
    for row_attrs, cells in html_rows(table):
        parts.append(f"<tr {row_attrs}>")
        parts.extend(f"<td {td}>{cell}</td>" for td, cell in cells)
        parts.append("</tr>\n")
    return mark_safe("".join(parts))


def _row_attrs_html(attrs: dict[str, Any]) -> SafeString:
    """``AttributeDict(attrs).as_html()``, without ``format_html_join``'s lazy wrappers:
    a row's attributes are written for every row of the page."""
    parts = []
    for key, value in attrs.items():
        value = value() if callable(value) else value
        if key not in AttributeDict.blacklist and value is not None:
            parts.append(f'{conditional_escape(key)}="{conditional_escape(value)}"')
    return mark_safe(" ".join(parts))  # every piece escaped above


def _querystring(table: Table, key: str, value: Any) -> str:
    """The request's query string with ``key`` set to ``value``, escaped for an attribute
    (django-tables2's ``querystring_replace``)."""
    params = dict(table.request.GET)
    params[key] = value
    return escape("?" + urlencode(params, doseq=True))


def _link(href: str, label: Any, hx_target: str | None, rel: str = "") -> SafeString:
    # With an htmx target, the link swaps the results region in place (and still works
    # without JavaScript).
    hx = (
        format_html(
            ' hx-get="{}" hx-target="#{}" hx-swap="outerHTML" hx-push-url="true"', href, hx_target
        )
        if hx_target
        else ""
    )
    rel_attr = format_html(' rel="{}"', rel) if rel else ""
    return format_html('<a href="{}"{}{}>{}</a>', href, hx, rel_attr, label)


def html_head(table: Table, hx_target: str | None = None) -> SafeString:
    """The table's ``<thead>``: a sort link per sortable column, ``aria-sort`` on the
    sorted ones. In Python for the reason ``html_rows`` is: through django-tables2's
    template it was ~15 % of a list page's CPU."""
    cells = []
    for column in table.columns:
        sort = mark_safe("")
        if column.is_ordered:
            direction = "descending" if column.order_by_alias.is_descending else "ascending"
            sort = mark_safe(f' aria-sort="{direction}"')  # one of two constants
        header = conditional_escape(column.header)
        if column.orderable:
            href = _querystring(table, table.prefixed_order_by_field, column.order_by_alias.next)
            header = _link(href, header, hx_target)
        cells.append(format_html("<th {}{}>{}</th>", column.attrs["th"].as_html(), sort, header))
    return mark_safe("<thead>\n  <tr>" + "".join(cells) + "</tr>\n</thead>")  # escaped above


def html_pagination(table: Table, hx_target: str | None = None) -> SafeString:
    """Previous page, this page, next page (the lists don't count their rows); nothing
    when everything is on one page."""
    page = table.page
    if not page or not (page.has_previous() or page.has_next()):
        return mark_safe("")
    items = []
    if page.has_previous():
        href = _querystring(table, table.prefixed_page_field, page.previous_page_number())
        items.append(f"<li>{_link(href, 'Page précédente', hx_target, rel='prev')}</li>")
    items.append(format_html('<li aria-current="page">Page {}</li>', page.number))
    if page.has_next():
        href = _querystring(table, table.prefixed_page_field, page.next_page_number())
        items.append(f"<li>{_link(href, 'Page suivante', hx_target, rel='next')}</li>")
    return mark_safe(  # every piece escaped above
        '<nav aria-label="Pagination">\n  <ul class="pagination">\n    '
        + "\n    ".join(items)
        + "\n  </ul>\n</nav>"
    )


def _attrs_html(attrs: dict[str, Any]) -> str:
    # As django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name.
    return "".join(
        f" {name}" if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """``render`` of a ``Select`` written in Python: the same HTML as Django's templates
    (select.html, select_option.html, attrs.html) without one template include per option,
    nor the dictionary ``ChoiceWidget.optgroups`` builds for each. A department filter has
    101 options: through templates that is ~10 ms a page."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        if self.allow_multiple_selected or self.option_inherits_attrs:
            return super().render(name, value, attrs, renderer)
        chosen = self.format_value(value)
        parts = [
            format_html('<select name="{}"', name),
            _attrs_html(self.build_attrs(self.attrs, attrs)),
        ]
        parts.append(">")
        has_selected = False  # as optgroups: only the first matching option is selected
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                group, options = option_value, option_label
            else:
                group, options = (
                    None,
                    [("" if option_value is None else option_value, option_label)],
                )
            if group:
                parts.append(format_html('\n  <optgroup label="{}">', group))
            for sub_value, sub_label in options:
                selected = not has_selected and str(sub_value) in chosen
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{conditional_escape(str(sub_value))}"'
                    f"{' selected' if selected else ''}>{conditional_escape(sub_label)}</option>"
                )
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every piece escaped above


def plain_selects(form: Any) -> Any:
    """Give the form's single ``Select`` widgets the Python render above (same HTML)."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            field.widget.__class__ = PlainSelect
    return form
