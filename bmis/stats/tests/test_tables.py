"""Disclosure control of the statistics' tables: `tables.suppress`."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bmis.stats.tables import TOTALS_ROW, Column, Table, relations, suppress


def table_of(counts: list[list[int]], *, total_column=False, totals_row=True) -> Table:
    """Return a table with a label column, a numeric column per count, and true totals."""
    width = len(counts[0]) if counts else 1
    keys = [f"c{number}" for number in range(width)]
    columns = [Column("label", "Label"), *[Column(key, key.upper(), numeric=True) for key in keys]]
    rows = []
    for number, values in enumerate(counts):
        row = {"label": f"row {number}", **dict(zip(keys, values, strict=True))}
        if total_column:
            row["total"] = sum(values)
        rows.append(row)
    if total_column:
        columns.append(Column("total", "Total", numeric=True, total=True))
    total = None
    if totals_row:
        total = {"label": "Total"}
        for column in columns[1:]:
            total[column.key] = sum(row[column.key] for row in rows)
    return Table(name="t", title="T", columns=columns, rows=rows, total=total)


def value(table: Table, cell):
    index, key = cell
    return (table.total if index == TOTALS_ROW else table.rows[index])[key]


counts = st.integers(min_value=1, max_value=4).flatmap(
    lambda width: st.lists(
        st.lists(st.one_of(st.integers(0, 6), st.integers(0, 300)), min_size=width, max_size=width),
        min_size=0,
        max_size=8,
    )
)


@settings(max_examples=300, deadline=None)
@given(counts=counts, total_column=st.booleans(), totals_row=st.booleans())
def test_it_leaves_no_small_count_and_no_cell_that_subtraction_gives_back(
    counts, total_column, totals_row
):
    original = table_of(counts, total_column=total_column, totals_row=totals_row)
    published = suppress(original, below=5)

    assert published.suppressed
    cells = [(index, key) for index in range(len(original.rows)) for key in original.numeric_keys]
    if original.total is not None:
        cells += [(TOTALS_ROW, key) for key in original.numeric_keys]
    for cell in cells:
        shown, true = value(published, cell), value(original, cell)
        if true == 0:
            assert shown == 0  # a true zero stays
        if shown is not None:
            assert shown == true  # published cells and totals are the unsuppressed figures
            assert shown == 0 or shown >= 5
        elif true is not None:
            assert true > 0
    for members, total in relations(published):
        withheld = sum(value(published, cell) is None for cell in [*members, total])
        assert withheld != 1, (members, total)
        if value(published, total) is not None:  # a published total is the true sum
            assert value(published, total) == sum(value(original, cell) for cell in members)


def test_it_withholds_the_smallest_other_count_of_the_column():
    table = table_of([[3], [100], [40], [0]])

    published = suppress(table)

    assert [row["c0"] for row in published.rows] == [None, 100, None, 0]
    assert published.total["c0"] == 143
    assert [row["c0"] for row in table.rows] == [3, 100, 40, 0]  # the original is untouched


def test_it_protects_rows_with_a_total_column_and_the_columns_they_touch():
    table = table_of([[2, 50, 60], [30, 40, 70], [45, 35, 90]], total_column=True)

    published = suppress(table)

    first = published.rows[0]
    assert first["c0"] is None
    assert first["c1"] is None  # the row's smallest other count
    assert first["total"] == 112
    # Column c0 now has one withheld cell, and so does c1: each gets a second one.
    assert sum(row["c0"] is None for row in published.rows) >= 2
    assert sum(row["c1"] is None for row in published.rows) >= 2
    assert published.total == {"label": "Total", "c0": 77, "c1": 125, "c2": 220, "total": 422}


def test_it_withholds_a_total_under_the_threshold():
    table = table_of([[1, 0], [2, 0]])

    published = suppress(table)

    assert published.total == {"label": "Total", "c0": None, "c1": 0}
    assert [row["c0"] for row in published.rows] == [None, None]


def test_it_withholds_the_total_when_no_other_count_can_hide_a_cell():
    table = table_of([[7, 2], [0, 0]], total_column=True)

    published = suppress(table)

    # 2 is withheld, then 7 beside it; column c0 has nothing else, so its total goes.
    assert published.rows[0] == {"label": "row 0", "c0": None, "c1": None, "total": 9}
    assert published.total["c0"] is None
    assert published.total["c1"] is None


def test_without_a_totals_row_only_small_counts_are_withheld():
    table = table_of([[3, 9], [100, 8]], totals_row=False)

    published = suppress(table)

    assert [(row["c0"], row["c1"]) for row in published.rows] == [(None, 9), (100, 8)]


def test_it_records_the_threshold_for_the_exports():
    published = suppress(table_of([[9], [12]]), below=10)

    assert published.below == 10
    assert [row["c0"] for row in published.rows] == [None, None]
    assert published.total["c0"] == 21
