"""Statistical disclosure control of published tables: primary and secondary suppression.

Pure mechanics, no Django: ``reporting.publication`` builds the tables from the
indicator registry and every published output (PDF, exports, snapshot) applies
the resulting plan. The method and its proof are in docs/statistics.md.

A table is a set of cells (a value and the number of distinct structures it rests
on) and *lines*: linear relations ``total = part_1 + … + part_n`` that a reader
can use (a region is the sum of its departments, a breakdown sums to its total).

1. **Primary suppression**: a cell below national level that rests on 1 to 4
   structures is hidden, whatever its value (counts, sums, medians, rates).
2. **Secondary suppression** (the complementary-cell search of τ-ARGUS's
   hypercube / "singleton" family, here audited exactly): a hidden sensitive cell
   is protected when the published cells and the lines leave it free to move both
   up and down, i.e. when some direction ``d`` of the null space of the lines,
   restricted to hidden cells of positive value, has ``d[cell] != 0``. Then
   ``x + t·d`` and ``x - t·d`` are two non-negative tables that agree on every
   published cell and every line but differ in that cell: nobody can tell which
   is true. Cells that fail get a complement: the cheapest published cell of one
   of their lines (a department before a region, then the smallest value).
3. **Singletons**: a structure alone in a hidden cell knows that cell's value.
   For each such cell the audit is run again with it known; the other sensitive
   cells must stay protected.

The search uses floating-point linear algebra (numpy); ``witnesses`` then builds
the two tables with exact fractions, which is the proof the tests check.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy
import numpy.typing

# Lines as rows, or a basis of directions as rows; one column per cell.
Matrix = numpy.typing.NDArray[numpy.float64]
# The lines each cell appears in.
LinesOf = dict[Hashable, list["Line"]]

THRESHOLD = 5
_EPSILON = 1e-9


@dataclass
class Cell:
    key: Hashable
    value: float | None
    contributors: int
    # National cells are published in full; residuals (a region minus its departments,
    # where some rows belong to no department) are never published.
    suppressible: bool = True
    published: bool = True
    # Complements are taken from the lowest levels first (0 = department).
    rank: int = 0

    @property
    def sensitive(self) -> bool:
        return self.suppressible and 0 < self.contributors < THRESHOLD

    @property
    def positive(self) -> bool:
        return self.value is not None and self.value > 0


@dataclass(frozen=True)
class Line:
    total: Hashable
    parts: tuple[Hashable, ...]


@dataclass
class Plan:
    hidden: set[Hashable] = field(default_factory=set)
    primary: set[Hashable] = field(default_factory=set)
    # Sensitive cells no complement could protect (only when a national total is tiny).
    unprotected: set[Hashable] = field(default_factory=set)

    def shows(self, key: Hashable) -> bool:
        return key not in self.hidden


@dataclass
class Table:
    cells: dict[Hashable, Cell] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)

    def add(self, cell: Cell) -> Cell:
        self.cells[cell.key] = cell
        return cell

    def relate(self, total: Hashable, parts: Iterable[Hashable]) -> None:
        parts = tuple(p for p in parts if p in self.cells)
        if total in self.cells and parts:
            self.lines.append(Line(total, parts))


def protect(table: Table) -> Plan:
    """Primary suppression, then complements until every sensitive hidden cell is protected."""
    plan = Plan()
    for cell in table.cells.values():
        if cell.sensitive or not cell.published:
            plan.hidden.add(cell.key)
        if cell.sensitive:
            plan.primary.add(cell.key)
    lines_of: LinesOf = defaultdict(list)
    for line in table.lines:
        for key in (line.total, *line.parts):
            lines_of[key].append(line)
    for component in _components(table, lines_of):
        _protect_component(table, component, lines_of, plan)
    return plan


def _components(table: Table, lines_of: LinesOf) -> list[set[Hashable]]:
    seen: set[Hashable] = set()
    components: list[set[Hashable]] = []
    for start in table.cells:
        if start in seen or not lines_of.get(start):
            continue
        stack, component = [start], set[Hashable]()
        while stack:
            key = stack.pop()
            if key in component:
                continue
            component.add(key)
            for line in lines_of[key]:
                stack.extend(k for k in (line.total, *line.parts) if k not in component)
        seen |= component
        components.append(component)
    return components


def _lines_in(component: set[Hashable], lines_of: LinesOf) -> list[Line]:
    lines = {id(line): line for key in component for line in lines_of[key]}
    return list(lines.values())


def _null_space(
    table: Table, lines: list[Line], support: Sequence[Hashable]
) -> tuple[dict[Hashable, int], Matrix]:
    """Rows: a basis of the directions the ``support`` cells may move in together."""
    index = {key: i for i, key in enumerate(support)}
    matrix = _matrix(lines, index)
    if matrix.shape[0] == 0:
        return index, numpy.eye(len(support))
    _, singular, vh = numpy.linalg.svd(matrix)
    rank = int((singular > _EPSILON).sum())
    return index, vh[rank:]


def _matrix(lines: list[Line], index: dict[Hashable, int]) -> Matrix:
    rows: list[Matrix] = []
    for line in lines:
        row = numpy.zeros(len(index))
        touched = False
        for key, sign in ((line.total, 1.0), *((p, -1.0) for p in line.parts)):
            if key in index:
                row[index[key]] += sign
                touched = True
        if touched:
            rows.append(row)
    return numpy.array(rows) if rows else numpy.zeros((0, len(index)))


def _moves(null: Matrix, index: dict[Hashable, int], key: Hashable) -> bool:
    return bool(null.size) and float(numpy.abs(null[:, index[key]]).max()) > 1e-7


def _failing(
    table: Table,
    lines: list[Line],
    hidden: set[Hashable],
    component: set[Hashable],
    known: set[Hashable] | tuple[()] = (),
) -> list[Hashable]:
    """Sensitive hidden cells that the published cells (and ``known`` ones) pin down."""
    sensitive = [
        k
        for k in sorted(component, key=repr)
        if k in hidden
        and k not in known
        and table.cells[k].sensitive
        and not (known and table.cells[k].contributors == 1)
    ]
    if not sensitive:
        return []
    # Hidden cells of value 0 cannot go down: they are left out of the directions.
    support = sorted((k for k in hidden if k not in known and table.cells[k].positive), key=repr)
    index, null = _null_space(table, lines, support)
    failing = []
    for key in sensitive:
        if key in index:
            if not _moves(null, index, key):
                failing.append(key)
            continue
        # A sensitive zero (e.g. no jobs in 3 structures) must at least be able to rise.
        own_index, own_null = _null_space(table, lines, [*support, key])
        if not _moves(own_null, own_index, key):
            failing.append(key)
    return failing


def _protect_component(
    table: Table, component: set[Hashable], lines_of: LinesOf, plan: Plan
) -> None:
    lines = _lines_in(component, lines_of)
    hidden = {k for k in component if k in plan.hidden}
    given_up: set[Hashable] = set()
    while True:
        failing = [k for k in _failing(table, lines, hidden, component) if k not in given_up]
        if not failing:
            for singleton in sorted(
                (k for k in hidden if table.cells[k].contributors == 1), key=repr
            ):
                failing = [
                    k
                    for k in _failing(table, lines, hidden, component, known={singleton})
                    if k not in given_up
                ]
                if failing:
                    break
        if not failing:
            break
        cell = failing[0]
        complement = _complement(table, cell, hidden, lines_of)
        if complement is None:
            given_up.add(cell)
            plan.unprotected.add(cell)
            continue
        hidden.add(complement)
    plan.hidden |= hidden


def _complement(
    table: Table, cell: Hashable, hidden: set[Hashable], lines_of: LinesOf
) -> Hashable | None:
    """The cheapest published cell near ``cell``: its own lines first, then further out."""
    frontier, seen = [cell], {cell}
    while frontier:
        candidates: list[Cell] = []
        following: list[Hashable] = []
        for key in frontier:
            for line in lines_of[key]:
                for other in (line.total, *line.parts):
                    if other in seen:
                        continue
                    seen.add(other)
                    following.append(other)
                    target = table.cells[other]
                    if other not in hidden and target.suppressible and target.positive:
                        candidates.append(target)
        if candidates:
            best = min(candidates, key=lambda c: (c.rank, c.value, repr(c.key)))
            return best.key
        frontier = following
    return None


def witnesses(
    table: Table, plan: Plan, cell: Hashable
) -> tuple[dict[Hashable, Fraction], dict[Hashable, Fraction] | None] | None:
    """Two tables, exact, equal on every published cell and line, differing in ``cell``.

    Returns ``(higher, lower)`` values of the hidden cells (``lower`` is ``None`` when
    the cell is 0 and can only be shown to be possibly higher), or ``None`` when the
    cell is determined.
    """
    support = sorted((k for k in plan.hidden if table.cells[k].positive or k == cell), key=repr)
    if cell not in support:
        return None
    index = {key: i for i, key in enumerate(support)}
    rows: list[list[Fraction]] = []
    for line in table.lines:
        row = [Fraction(0)] * len(support)
        touched = False
        for key, sign in ((line.total, 1), *((p, -1) for p in line.parts)):
            if key in index:
                row[index[key]] += sign
                touched = True
        if touched:
            rows.append(row)
    direction = _null_vector(rows, len(support), index[cell])
    if direction is None:
        return None
    values = {k: _fraction(table.cells[k]) for k in support}
    step = Fraction(1)
    for key, d in zip(support, direction, strict=True):
        if d and key != cell:
            step = min(step, values[key] / abs(d))
    higher = {k: values[k] + step * d for k, d in zip(support, direction, strict=True)}
    lower = None
    if values[cell] > 0:
        step_down = min(step, values[cell])
        lower = {k: values[k] - step_down * d for k, d in zip(support, direction, strict=True)}
    return higher, lower


def _fraction(cell: Cell) -> Fraction:
    if cell.value is None:
        # As Fraction(None) did, with the cell named: a cell without a value has no witness.
        raise TypeError(f"cell {cell.key!r} has no value")
    return Fraction(cell.value).limit_denominator(10**6)


def _null_vector(rows: list[list[Fraction]], width: int, column: int) -> list[Fraction] | None:
    """A null-space vector of ``rows`` with a 1 in ``column`` (exact RREF), or None."""
    matrix = [list(r) for r in rows]
    pivots: list[int] = []
    r = 0
    for c in range(width):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][c]
        matrix[r] = [v / lead for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                factor = matrix[i][c]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(c)
        r += 1
        if r == len(matrix):
            break
    free = [c for c in range(width) if c not in pivots]
    pivot_row = {c: i for i, c in enumerate(pivots)}

    def basis(f: int) -> list[Fraction]:
        vector = [Fraction(0)] * width
        vector[f] = Fraction(1)
        for c, i in pivot_row.items():
            vector[c] = -matrix[i][f]
        return vector

    if column in free:
        return basis(column)
    row = pivot_row[column]
    for f in free:
        if matrix[row][f] != 0:
            vector = basis(f)
            scale = vector[column]
            return [v / scale for v in vector]
    return None
