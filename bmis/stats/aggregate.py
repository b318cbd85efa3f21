"""Keeping the cubes (`models`) up to date: each crossing the node's change log names since the
cursor is counted once, in the cell of its day and of its month.

The change log (`sync.Change`) names every crossing the node writes or receives: recorded at
its counter, pushed by a post, pulled from headquarters, imported from a stick. It is read as
a post's pull reads it (`sync.feed.changes_after`): on PostgreSQL only the changes of
transactions older than any still running, by a `(transaction, change)` cursor, so a crossing
committed late is never passed over. The cursor moves in the transaction that adds the counts,
so a crossing is counted exactly once, whatever stops the work half-way.

What counts is a crossing in force: a withdrawn one does not, and a correction (a new crossing
that `corrects` another) takes the count of the crossing it replaces. A crossing is corrected
once at most (a unique key), and always after it was written (a key refers to it), so its
correction finds it counted, unless it was withdrawn: no memory of what was counted is needed.

A traveller's nationality, sex and date of birth are read from the machine readable zone when
they are first recorded and nothing changes them since; if that ever changes, rebuild the
cubes (`manage.py stats_refresh --rebuild`).
"""

from collections import Counter
from datetime import date
from operator import itemgetter

import orjson
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from bmis.crossings.models import Crossing, Person
from bmis.posts.models import Post
from bmis.stats.models import DIMENSIONS, SHAPES, Cursor, DayFlow, MonthFlow

CHANGES = 5000  # changes read and counted in one transaction
BULK_BACKLOG = 50_000  # below it, a backlog is counted a batch at a time (`far_behind`)
NAME = "flows"
# Age at the date of crossing, in the groups of the UN's recommendations on statistics of
# international migration (Rev. 1, 1998, table 3 uses five-year groups; these are their sums).
AGE_GROUPS = (("0-14", 0, 14), ("15-24", 15, 24), ("25-44", 25, 44), ("45-64", 45, 64),
              ("65+", 65, 200))  # fmt: skip
# The length of the overstay an exit ended, in days (`Crossing.overstay_days`).
OVERSTAYS = (("1-30", 1, 30), ("31-90", 31, 90), ("91-180", 91, 180), ("181-365", 181, 365),
             ("366+", 366, 10**9))  # fmt: skip
COLUMNS = ("id", "person_id", "post_id", "at", "direction", "decision", "mode", "carrier",
           "purpose_id", "refusal_reason_id", "void", "corrects_id", "overstay_days")  # fmt: skip


def refresh(*, limit: int = CHANGES, rounds: int | None = None) -> int:
    """Count the crossings the change log names since the cursor, `limit` changes a
    transaction, until none is left (or after `rounds` transactions); return how many crossings
    were read."""
    read = done = 0
    while rounds is None or done < rounds:
        count = _refresh_once(limit)
        read, done = read + count, done + 1
        if count < limit:
            break
    return read


def waiting() -> int:
    """Return how many crossings the change log names that the cubes have not counted yet."""
    from bmis.sync import feed

    cursor = Cursor.objects.filter(name=NAME).first() or Cursor(name=NAME)
    return feed._after(cursor.txid, cursor.seq).filter(table=Crossing._meta.db_table).count()


def rebuild() -> int:
    """Count every crossing again from the start of the change log; return how many. On
    PostgreSQL by set-based statements (`bulk`), then what committed meanwhile."""
    if connection.vendor == "postgresql":
        from bmis.stats import bulk

        return bulk.count_all() + refresh()
    with transaction.atomic():
        DayFlow.objects.all().delete()
        MonthFlow.objects.all().delete()
        Cursor.objects.filter(name=NAME).delete()
    return refresh()


def far_behind() -> bool:
    """Whether, on PostgreSQL, counting everything again at once (`rebuild`, by `bulk`) is
    quicker than counting what waits a batch at a time: the cubes were never counted (a new
    headquarters, or a migration emptied them), or more waits than a twentieth of what was
    counted (a batch at a time costs some twenty times as much a crossing or more:
    `docs/benchmarks.md`, "Statistics")."""
    if connection.vendor != "postgresql":
        return False
    cursor = Cursor.objects.filter(name=NAME).first()
    return cursor is None or waiting() > max(BULK_BACKLOG, cursor.counted // 20)


def _refresh_once(limit: int) -> int:
    from bmis.sync import feed

    with transaction.atomic():
        cursor, _ = Cursor.objects.select_for_update().get_or_create(name=NAME)
        changes = feed.changes_after(
            cursor.txid, cursor.seq, limit, unwanted=~Q(table=Crossing._meta.db_table)
        )
        if not changes:
            return 0
        key = Crossing._meta.pk.to_python
        days, months = shaped(_counts([key(change.row_id) for change in changes]))
        _add(DayFlow, "day", days)
        _add(MonthFlow, "month", months)
        last = changes[-1]
        cursor.txid, cursor.seq = last.txid, last.seq
        cursor.counted += len(changes)
        cursor.updated_at = timezone.now()
        cursor.save()
        return len(changes)


def _counts(keys: list) -> Counter:
    """Return what these crossings, in the change log's order, add to each day's cell."""
    rows = {row["id"]: row for row in Crossing.objects.filter(pk__any=keys).values(*COLUMNS)}
    replaced = {row["corrects_id"] for row in rows.values() if row["corrects_id"]} - rows.keys()
    if replaced:
        held = Crossing.objects.filter(pk__any=replaced).values(*COLUMNS)
        rows |= {row["id"]: row for row in held}
    persons = {
        person["id"]: person
        for person in Person.objects.filter(
            pk__any={row["person_id"] for row in rows.values()}
        ).values("id", "nationality", "sex", "birth_date")
    }
    posts = dict(Post.objects.values_list("pk", "code"))
    counts: Counter = Counter()
    for crossing_id in keys:
        row = rows.get(crossing_id)
        if row is None:  # named by the log, not held: nothing to count
            continue
        if row["corrects_id"] is not None:
            replaced_row = rows[row["corrects_id"]]
            if not replaced_row["void"]:
                counts[cell(replaced_row, persons, posts)] -= 1
        if not row["void"]:
            counts[cell(row, persons, posts)] += 1
    return Counter({key: count for key, count in counts.items() if count})


# For each shape, what takes its cell's values from a crossing's (day, *values, ""): each
# dimension it keeps, and the last item, "", for each it leaves out.
_BLANK = len(DIMENSIONS) + 1
PROJECTIONS = [
    (index, itemgetter(*(i + 1 if name in shape else _BLANK for i, name in enumerate(DIMENSIONS))))
    for index, shape in enumerate(SHAPES)
]


def shaped(counts: Counter) -> tuple[Counter, Counter]:
    """Return the counts of every shape's cells, by day and by month: (shape, period, values)."""
    days: Counter = Counter()
    months: Counter = Counter()
    for key, count in counts.items():
        day, padded = key[0], (*key, "")
        month = day.replace(day=1)
        for shape, project in PROJECTIONS:
            cell = project(padded)
            days[(shape, day, *cell)] += count
            months[(shape, month, *cell)] += count
    return (
        Counter({k: v for k, v in days.items() if v}),
        Counter({k: v for k, v in months.items() if v}),
    )


def cell(row: dict, persons: dict, posts: dict) -> tuple:
    """Return the cell a crossing counts in: its day (in Haiti's time), then `DIMENSIONS`."""
    person = persons[row["person_id"]]
    day = timezone.localtime(row["at"]).date()
    return (
        day,
        posts[row["post_id"]],
        row["direction"],
        row["decision"],
        person["nationality"],
        person["sex"] or "",
        age_group(person["birth_date"], day),
        row["purpose_id"] or "",
        row["mode"],
        row["carrier"] or "",
        row["refusal_reason_id"] or "",
        overstay_group(row["overstay_days"]),
    )


def overstay_group(days: int | None) -> str:
    """Return the group (`OVERSTAYS`) of an overstay of `days` days; "" for none."""
    return next((code for code, low, high in OVERSTAYS if days and low <= days <= high), "")


def age_group(birth: date | None, day: date) -> str:
    """Return the age group (`AGE_GROUPS`) of someone born on `birth` on `day`; "" if unknown."""
    if birth is None or birth > day:
        return ""
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return next((code for code, low, high in AGE_GROUPS if low <= age <= high), "")


def _add(model, period: str, counts: Counter) -> None:
    """Add `counts` to the cells of `model`; drop the cells left at 0. On PostgreSQL in one
    statement, the cells in one JSON parameter (a batch is tens of thousands of cells once
    shaped: one statement a cell took most of the refresh); elsewhere one a cell."""
    if not counts:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ["shape", period, *DIMENSIONS]
    names = ", ".join(quote(column) for column in columns)
    upsert = (
        f"INSERT INTO {table} ({names}, crossings) {{rows}} ON CONFLICT ({names})"
        f" DO UPDATE SET crossings = {table}.crossings + excluded.crossings"
    )
    emptied = [key for key, count in counts.items() if count < 0]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cells = f"json_populate_recordset(NULL::{table}, %s)"
            rows = f"SELECT {names}, crossings FROM {cells}"  # noqa: S608
            cursor.execute(upsert.format(rows=rows), [_json(columns, counts.items())])
            if emptied:
                match = " AND ".join(f"t.{quote(c)} = v.{quote(c)}" for c in columns)
                cursor.execute(
                    f"DELETE FROM {table} AS t USING json_populate_recordset(NULL::{table}, %s)"  # noqa: S608
                    f" AS v WHERE {match} AND t.crossings = 0",
                    [_json(columns, ((key, 0) for key in emptied))],
                )
            return
        places = ", ".join(["%s"] * (len(columns) + 1))
        cursor.executemany(
            upsert.format(rows=f"VALUES ({places})"),
            [[*key, count] for key, count in counts.items()],
        )
        if emptied:
            match = " AND ".join(f"{quote(column)} = %s" for column in columns)
            cursor.executemany(
                f"DELETE FROM {table} WHERE {match} AND crossings = 0",  # noqa: S608
                [list(key) for key in emptied],
            )


def _json(columns: list[str], cells) -> str:
    """The cells as a JSON array of rows, for `json_populate_recordset` (dates in ISO 8601)."""
    return orjson.dumps(
        [dict(zip([*columns, "crossings"], (*key, count), strict=True)) for key, count in cells]
    ).decode()
