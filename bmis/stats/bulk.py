"""Counting every crossing at once, on PostgreSQL: the cubes built by a few set-based statements
rather than a batch of changes at a time.

`aggregate.refresh` counts what the change log names a batch at a time: the right way for what
arrives, but the whole national database counted that way (a new headquarters, a rebuild, a
new shape of the cubes) takes hours at 10,000,000 crossings, each batch's cells upserted one
index lookup at a time. Here the crossings the change log names below the horizon (every
transaction under it has ended, `sync.feed`) are counted in force by SQL into the full shape
by day, every other shape is a sum of that one, and the months are sums of the days. The cursor
moves to the last of those changes in the same transaction, where a refresh would have left
it: the next refresh goes on from there, and nothing is counted twice.

The SQL says what `aggregate.cell` says, dimension by dimension; `tests/test_bulk.py` checks
that both give the same cells, cell for cell.
"""

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bmis.crossings.models import Crossing
from bmis.stats.aggregate import AGE_GROUPS, NAME, OVERSTAYS
from bmis.stats.models import DIMENSIONS, SHAPES, Cursor, DayFlow, MonthFlow


def count_all() -> int:
    """Empty the cubes and count every crossing the change log names below the horizon; move
    the cursor past them. Return how many changes that was (PostgreSQL only)."""
    from bmis.sync import feed
    from bmis.sync.models import Change

    if connection.vendor != "postgresql":
        raise RuntimeError("bulk counting is for PostgreSQL; elsewhere, aggregate.refresh")
    crossings = Crossing._meta.db_table
    with transaction.atomic():
        cursor, _ = Cursor.objects.select_for_update().get_or_create(name=NAME)
        horizon = feed._horizon()
        named = Change.objects.filter(table=crossings, txid__lt=horizon)
        last = named.order_by("-txid", "-seq").first()
        DayFlow.objects.all().delete()
        MonthFlow.objects.all().delete()
        counted = 0
        if last is not None:
            with connection.cursor() as sql:
                # Sums of millions of cells: in memory rather than sorted on disk (this
                # transaction only; a server's default is a few MB a sort).
                sql.execute("SET LOCAL work_mem = '256MB'")
                sql.execute(_NAMED, [crossings, horizon])
                sql.execute("ANALYZE stats_named")
                sql.execute(_full(), [settings.TIME_ZONE])
                for index, shape in enumerate(SHAPES[1:], start=1):
                    sql.execute(_projection(shape), [index])
                sql.execute(_months())
            cursor.txid, cursor.seq = last.txid, last.seq
            counted = named.count()
        cursor.counted = counted
        cursor.updated_at = timezone.now()
        cursor.save()
    return counted


_NAMED = """
    CREATE TEMPORARY TABLE stats_named ON COMMIT DROP AS
    SELECT DISTINCT row_id::uuid AS id FROM sync_change WHERE "table" = %s AND txid < %s
"""


def _full() -> str:
    """Count the named crossings in force (not withdrawn, not replaced by a named correction)
    into the full shape (0) by day, as `aggregate.cell` places them."""
    ages = " ".join(f"WHEN years BETWEEN {low} AND {high} THEN '{code}'"
                    for code, low, high in AGE_GROUPS)  # fmt: skip
    overstays = " ".join(f"WHEN c.overstay_days BETWEEN {low} AND {high} THEN '{code}'"
                         for code, low, high in OVERSTAYS)  # fmt: skip
    values = {
        "post": "s.code",
        "direction": "c.direction",
        "decision": "c.decision",
        "nationality": "p.nationality",
        "sex": "coalesce(p.sex, '')",
        "age": f"CASE WHEN p.birth_date IS NULL OR p.birth_date > d.day THEN '' {ages} ELSE '' END",
        "purpose": "coalesce(c.purpose_id, '')",
        "mode": "c.mode",
        "carrier": "coalesce(c.carrier, '')",
        "refusal": "coalesce(c.refusal_reason_id, '')",
        "overstay": f"CASE {overstays} ELSE '' END",
    }
    assert values.keys() == set(DIMENSIONS)
    cells = ", ".join(values[name] for name in DIMENSIONS)
    return f"""
        INSERT INTO stats_dayflow (shape, day, {", ".join(DIMENSIONS)}, crossings)
        SELECT 0, d.day, {cells}, count(*)
        FROM stats_named n
        JOIN crossings_crossing c ON c.id = n.id
        JOIN crossings_person p ON p.id = c.person_id
        JOIN posts_post s ON s.id = c.post_id
        CROSS JOIN LATERAL (SELECT (c.at AT TIME ZONE %s)::date AS day) d
        CROSS JOIN LATERAL (
            SELECT extract(year FROM age(d.day, p.birth_date))::int AS years
        ) a
        WHERE NOT c.void AND NOT EXISTS (
            SELECT FROM crossings_crossing k JOIN stats_named m ON m.id = k.id
            WHERE k.corrects_id = c.id
        )
        GROUP BY {", ".join(str(position) for position in range(2, len(DIMENSIONS) + 3))}
    """  # noqa: S608 (names and numbers of this module's, no input)


def _projection(shape: tuple) -> str:
    """Sum the full shape's day cells into `shape`'s (its index is the parameter)."""
    kept = [name if name in shape else "''" for name in DIMENSIONS]
    return f"""
        INSERT INTO stats_dayflow (shape, day, {", ".join(DIMENSIONS)}, crossings)
        SELECT %s, day, {", ".join(kept)}, sum(crossings)
        FROM stats_dayflow WHERE shape = 0
        GROUP BY day, {", ".join(shape)}
    """  # noqa: S608


def _months() -> str:
    """Sum every shape's day cells into its month cells."""
    names = ", ".join(DIMENSIONS)
    return f"""
        INSERT INTO stats_monthflow (shape, month, {names}, crossings)
        SELECT shape, date_trunc('month', day)::date, {names}, sum(crossings)
        FROM stats_dayflow
        GROUP BY shape, date_trunc('month', day), {names}
    """  # noqa: S608
