"""The statistical table that every page, export and report shares, and its disclosure control.

A `Table` is a title, columns and rows of plain values, already computed; it knows nothing of the
database. `suppress` prepares a table for publication outside the ministry, where a small count
could single out a traveller (three nationals of a small country crossing at one post in a month).

The suppression rule
--------------------

Cells are read as a set of additive relations, each a list of cells that add up to a published
total:

- every numeric column adds up to its cell of the totals row (when the table has a totals row);
- in a table with a row-total column (a `Column` with ``total=True``), the other numeric cells of
  each row add up to that row's total cell, and the totals row does likewise for the grand total.

1. Primary suppression: every numeric cell, totals included, with ``0 < value < below`` is withheld
   (written ``None``). A zero stays 0: a true zero discloses nobody.
2. Secondary suppression: a relation with exactly one withheld cell would give that cell back by
   subtraction. In such a relation, also withhold its smallest other non-zero published cell, a
   member before its total; when no member is left, withhold the relation's total. Repeat until no
   relation has exactly one withheld cell.

Totals are computed by the caller from the unsuppressed data and stay published (so every
published total is the true sum, "totals kept consistent"), unless rule 1 or the last resort of
rule 2 withholds them. A cell that is ``None`` before `suppress` runs counts as withheld.

What this does not do: it protects each relation on its own, as national statistical offices'
simple heuristics do; it does not solve the linear system of all relations together, nor bound the
interval a withheld cell lies in. A derived column (net = entries - exits, a share in %) would
give back what suppression hides: tables meant for `suppress` carry counts only.
"""

from dataclasses import dataclass, field, replace
from datetime import date

SUPPRESSION_THRESHOLD = 5
"""The usual threshold of national statistical offices: counts from 1 to 4 are withheld."""

Value = str | int | date | None
Cell = tuple[int, str]  # (row index, column key); the totals row has index -1
TOTALS_ROW = -1


def SUPPRESSED_MARK(below: int = SUPPRESSION_THRESHOLD) -> str:
    """Return the text that stands for a withheld cell in exports and reports, such as ``<5``."""
    return f"<{below}"


@dataclass(frozen=True)
class Column:
    """A column: `key` into each row, the shown `label`, and whether it holds counts.

    `total` marks a numeric column that holds the sum of the row's other numeric columns
    (a "Total" column); `suppress` uses it to protect cells along each row.
    """

    key: str
    label: str
    numeric: bool = False
    total: bool = False


@dataclass
class Table:
    """A statistical table: rows of column key -> value, and an optional totals row.

    `below` is the threshold `suppress` applied, so that exports can write ``<5`` in a withheld
    cell of a table that was suppressed.
    """

    name: str
    title: str
    columns: list[Column]
    rows: list[dict]
    total: dict | None = None
    suppressed: bool = False
    below: int = field(default=SUPPRESSION_THRESHOLD)

    @property
    def numeric_keys(self) -> list[str]:
        """Return the keys of the numeric columns, in order."""
        return [column.key for column in self.columns if column.numeric]


def relations(table: Table) -> list[tuple[list[Cell], Cell]]:
    """Return the table's additive relations as (member cells, total cell).

    Only relations whose total is present in the table count: a column adds up to the totals
    row only when there is one, and a row to its total only when a total column exists.
    """
    numeric = table.numeric_keys
    total_keys = [column.key for column in table.columns if column.numeric and column.total]
    part_keys = [key for key in numeric if key not in total_keys]
    found: list[tuple[list[Cell], Cell]] = []
    if table.total is not None:
        for key in numeric:
            found.append(([(index, key) for index in range(len(table.rows))], (TOTALS_ROW, key)))
    if total_keys and part_keys:
        total_key = total_keys[0]
        for index in range(len(table.rows)):
            found.append(([(index, key) for key in part_keys], (index, total_key)))
        if table.total is not None:
            found.append(([(TOTALS_ROW, key) for key in part_keys], (TOTALS_ROW, total_key)))
    return found


def suppress(table: Table, *, below: int = SUPPRESSION_THRESHOLD) -> Table:
    """Return a copy of `table` with small counts withheld, as the module docstring describes."""
    values: dict[Cell, Value] = {}
    for index, row in enumerate(table.rows):
        for key in table.numeric_keys:
            values[(index, key)] = row.get(key)
    if table.total is not None:
        for key in table.numeric_keys:
            values[(TOTALS_ROW, key)] = table.total.get(key)

    withheld = {
        cell
        for cell, value in values.items()
        if value is None or (isinstance(value, int) and 0 < value < below)
    }
    links = relations(table)
    changed = True
    while changed:
        changed = False
        for members, total in links:
            cells = [*members, total]
            if sum(cell in withheld for cell in cells) != 1:
                continue
            complement = _complement(members, total, values, withheld)
            if complement is not None:
                withheld.add(complement)
                changed = True

    rows = [dict(row) for row in table.rows]
    total_row = dict(table.total) if table.total is not None else None
    for index, key in withheld:
        target = total_row if index == TOTALS_ROW else rows[index]
        if target is not None:
            target[key] = None
    return replace(table, rows=rows, total=total_row, suppressed=True, below=below)


def _complement(
    members: list[Cell], total: Cell, values: dict[Cell, Value], withheld: set[Cell]
) -> Cell | None:
    """Pick the cell to withhold beside a lone withheld one: the smallest non-zero member first."""

    def candidates(cells: list[Cell]) -> list[Cell]:
        return [
            cell
            for cell in cells
            if cell not in withheld and isinstance(values.get(cell), int) and values[cell] != 0
        ]

    members_left = candidates(members)
    if members_left:
        return min(members_left, key=lambda cell: (abs(values[cell]), cell[0], cell[1]))
    total_left = candidates([total])
    return total_left[0] if total_left else None
