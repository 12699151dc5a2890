"""Disclosure control: naive suppression leaks; the plan's hidden cells are not determined.

The proof for each hidden sensitive cell is two complete tables, built exactly, that
agree with every published cell and satisfy every line but differ in that cell: a
reader of the publication cannot tell which one is true. The check below is written
independently of the search (it only adds up lines).
"""

from fractions import Fraction

from reporting.disclosure import Cell, Plan, Table, protect, witnesses


def regional_table():
    """The issue's regional PDF: Bretagne 38 = 8 + 15 + 11 + 4 (France published, 100)."""
    table = Table()
    table.add(Cell("France", 100, 100, suppressible=False, rank=2))
    table.add(Cell("Bretagne", 38, 38, rank=1))
    table.add(Cell("Pays de la Loire", 62, 62, rank=1))
    for name, value in [("22", 8), ("29", 15), ("35", 11), ("56", 4), ("44", 60), ("85", 2)]:
        table.add(Cell(name, value, value))
    table.relate("France", ["Bretagne", "Pays de la Loire"])
    table.relate("Bretagne", ["22", "29", "35", "56"])
    table.relate("Pays de la Loire", ["44", "85"])
    return table


def known_values(table, plan, hidden_values):
    """Every cell a reader knows, and the hidden ones a witness gives. A cell without a
    figure (a median or a rate of nobody) is in no line and tells nothing: left out."""
    in_lines = {key for line in table.lines for key in (line.total, *line.parts)}
    values = {}
    for key, cell in table.cells.items():
        if key in plan.hidden:
            if key in hidden_values:
                values[key] = hidden_values[key]
        elif cell.value is not None:
            values[key] = Fraction(cell.value)
        else:
            assert key not in in_lines, key
    return values


def satisfies_every_line(table, values):
    for line in table.lines:
        known = all(k in values for k in (line.total, *line.parts))
        if known and values[line.total] != sum(values[p] for p in line.parts):
            return False
    return True


def assert_not_determined(table, plan):
    for key in plan.hidden:
        cell = table.cells[key]
        if not cell.sensitive or key in plan.unprotected:
            continue
        found = witnesses(table, plan, key)
        assert found is not None, f"{key} is determined"
        higher, lower = found
        for candidate in (higher, lower):
            if candidate is None:
                continue
            values = known_values(table, plan, candidate)
            assert all(v >= 0 for v in values.values()), key
            assert satisfies_every_line(table, values), key
            # Published cells are unchanged by construction: only hidden ones vary.
            assert set(candidate) <= plan.hidden
        assert higher[key] > cell.value
        if cell.value > 0:
            assert lower[key] < cell.value


def test_naive_suppression_of_a_small_department_leaks_by_subtraction():
    table = regional_table()
    naive = Plan(hidden={"56", "85"})
    # 38 - (8 + 15 + 11) = 4 and 62 - 60 = 2: both back in the clear.
    assert witnesses(table, naive, "56") is None
    assert witnesses(table, naive, "85") is None


def test_secondary_suppression_hides_a_complement_in_each_line():
    table = regional_table()
    plan = protect(table)
    assert plan.primary == {"56", "85"}
    # The smallest department of each region goes with its small neighbour.
    assert plan.hidden == {"56", "85", "22", "44"}
    assert not plan.unprotected
    assert_not_determined(table, plan)


def test_a_hidden_region_total_is_not_recovered_from_france_and_the_other_regions():
    """France 9 = Bretagne 8 + Pays de la Loire 1; Bretagne 8 = 35 (6) + 29 (2); 52 = 44 (1)."""
    table = Table()
    table.add(Cell("France", 9, 9, suppressible=False, rank=2))
    table.add(Cell("53", 8, 8, rank=1))
    table.add(Cell("52", 1, 1, rank=1))
    table.add(Cell("11", 0, 0, rank=1))
    for name, value in [("35", 6), ("29", 2), ("22", 0), ("44", 1)]:
        table.add(Cell(name, value, value))
    table.relate("France", ["53", "52", "11"])
    table.relate("53", ["35", "29", "22"])
    table.relate("52", ["44"])
    plan = protect(table)
    # 52 is hidden, so 53 must be (France − 53 = 52); 29 needs 35; and the single
    # structure of 44, who knows 52 = 1, must not learn 29 from 53 = 9 − 1: 35 covers it.
    assert plan.hidden == {"52", "44", "53", "29", "35"}
    assert_not_determined(table, plan)


def test_breakdown_and_territory_tables_of_one_publication_are_protected_together():
    """Legal forms of Bretagne sum to its total, which sums its departments."""
    table = regional_table()
    for name, value in [("association", 30), ("scop", 5), ("scic", 3)]:
        table.add(Cell(name, value, value, rank=1))
    table.relate("Bretagne", ["association", "scop", "scic"])
    plan = protect(table)
    assert "scic" in plan.hidden
    # Hiding SCIC alone would leave 38 − 30 − 5 = 3: a complement goes with it.
    assert "scop" in plan.hidden
    assert_not_determined(table, plan)


def test_sums_resting_on_few_structures_are_hidden_even_when_large():
    table = Table()
    table.add(Cell("France", 1000, 40, suppressible=False, rank=2))
    table.add(Cell("35", 900, 3))
    table.add(Cell("29", 100, 37))
    table.relate("France", ["35", "29"])
    plan = protect(table)
    assert plan.primary == {"35"}
    assert plan.hidden == {"35", "29"}
    assert_not_determined(table, plan)


def test_a_residual_that_no_territory_shows_is_protected_too():
    """A region's ingénieries of its regional DLA belong to no department: 20 = 12 + 6 + (2)."""
    table = Table()
    table.add(Cell("Bretagne", 20, 20, suppressible=False, rank=2))
    table.add(Cell("35", 12, 12))
    table.add(Cell("29", 6, 6))
    table.add(Cell("régional", 2, 2, published=False))
    table.relate("Bretagne", ["35", "29", "régional"])
    plan = protect(table)
    assert "29" in plan.hidden
    assert_not_determined(table, plan)
