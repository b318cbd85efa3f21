"""Benchmark of the statistics dashboard: its figures read from the cubes against a plain query.

A PostgreSQL database migrated as headquarters, with the reference data and --crossings
crossings (10,000,000 by default) of `manage.py demo_traffic`'s generator: by default its
`generate` with each batch written by COPY rather than prepared INSERTs (`--load copy`: the same
generator, seed, rows and change log; the writing 2.5 times as fast, the whole load 1.7 times),
or by the command itself (`--load demo_traffic`). Then the cubes are brought up to date for that
backlog (`aggregate.refresh`, timed) and the database analysed.

For each of a set of dashboard views (the national year, the last 30 days, a month at one post,
a year of one nationality, a post with a nationality and a direction, a quarter by week, the
land posts' year), each section of the page is timed through the functions the view calls:
`queries.totals` for the period and the same period a year before, `figures.series_table`, and
`figures.breakdown_table` for each breakdown; with the rest of the view's work on the database
(the cubes' catch-up, `aggregate.waiting`, who is present now) apart; not the template and its
charts. --repeat pages after a
warm-up, p50 and p95 of each section and of the page. Then the same figures by a plain
`GROUP BY` over the crossings joined to their travellers and posts (the crossings in force, the
day in Haiti's time, the age at the date of crossing as `aggregate.age_group` gives it), timed
the same way (--plain-repeat pages after a warm-up). The two must give the same figures, in
every section of every view: the benchmark stops if they do not. Targets: every view's p95 at
most 300 ms, and at least 20 times faster than the plain query (medians' ratio).

The database is dropped at the end, unless --keep or --database NAME: that one is made if
missing and kept, and reused as it is when it holds --crossings crossings or more (it gets the
rest otherwise): 10,000,000 take long to make.

    .venv/bin/python bench/statistics.py --crossings 200000
    .venv/bin/python bench/statistics.py --database openbmis_stats_10m   # full size, kept
"""

import argparse
import json
import math
import os
import platform
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
# This file's name hides the standard library's `statistics` from whatever imports it: the
# project's root, not this folder, goes first on the path.
sys.path[0] = str(ROOT)
VAR = ROOT / "var" / "bench"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
RESULT = "BENCH-RESULT "  # the line that carries the figures, for docs/benchmarks.md
SEED = 2026
TARGET_MS = 300  # a view's p95
TARGET_RATIO = 20  # plain query / cubes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--crossings", type=int, default=10_000_000)
    parser.add_argument("--database", help="Reuse (or make and keep) this database.")
    parser.add_argument("--keep", action="store_true", help="Do not drop the database.")
    parser.add_argument("--load", choices=["copy", "demo_traffic"], default="copy")
    parser.add_argument("--repeat", type=int, default=20, help="Pages timed on the cubes.")
    parser.add_argument("--plain-repeat", type=int, default=5, help="Pages by the plain query.")
    parser.add_argument("--only", help="Time only the views whose name holds this text.")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    name = args.database or f"openbmis_stats_{uuid.uuid4().hex[:12]}"
    create_database(name)
    VAR.mkdir(parents=True, exist_ok=True)
    os.environ |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BMIS_ENV_FILE": "",
        "BMIS_ROLE": "hq",
        "BMIS_VAR_DIR": str(VAR),
        "DATABASE_URL": f"{PG_SERVER}/{name}",
        "DEBUG": "false",
    }
    os.environ.pop("BMIS_POST", None)
    import django

    django.setup()
    try:
        result = run(args, name)
    finally:
        from django.db import connection

        connection.close()
        if args.keep or args.database:
            log(f"the database {name} is kept")
        else:
            drop_database(name)
    print(RESULT + json.dumps(result, default=str))
    sys.exit(0 if result["met"] else 1)


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {text}", file=sys.stderr, flush=True)


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        log(f"a new database {name}")
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args, name: str) -> dict:
    from bmis.crossings.models import Crossing

    found = {"database": name, "load": populate(args)}
    found["refresh"] = refresh()
    found["analyze_s"] = analyze()
    found["facts"] = facts()
    first, last = period_of_data()
    log(f"{Crossing.objects.count():,} crossings from {first} to {last}")
    found["views"] = []
    for view in views(last):
        if args.only and args.only not in view["name"]:
            continue
        log(f"view: {view['name']}")
        cubes = measure(cube_sections(view), args.repeat)
        plain = measure(plain_sections(view), args.plain_repeat)
        agree(view["name"], cubes.pop("warm-up"), plain.pop("warm-up"))
        found["views"].append({"name": view["name"], "cubes": cubes, "plain": plain})
    found["repeat"], found["plain_repeat"] = args.repeat, args.plain_repeat
    found["met"] = report(found, args)
    return found


# --- The data: demo_traffic's crossings, the cubes brought up to date ----------------------------


def populate(args) -> dict | None:
    """Migrate, load the reference data and add the crossings missing; time the loading."""
    from django.core.management import call_command

    from bmis.crossings.models import Crossing
    from bmis.reference.models import Country

    call_command("migrate", verbosity=0)
    if not Country.objects.exists():
        call_command("load_reference", verbosity=0)
    have = Crossing.objects.count()
    missing = args.crossings - have
    if missing <= 0:
        log(f"reusing {have:,} crossings")
        return None
    log(f"{have:,} crossings: {missing:,} more by {args.load}")
    started = time.perf_counter()
    if args.load == "demo_traffic":
        call_command("demo_traffic", crossings=missing, seed=SEED, stdout=sys.stderr)
    else:
        generate_by_copy(missing)
    seconds = time.perf_counter() - started
    return {
        "crossings": missing,
        "by": args.load,
        "seconds": round(seconds, 1),
        "rate": round(missing / seconds),
    }


def generate_by_copy(crossings: int) -> None:
    """Run demo_traffic's `generate` (its generator, staff, audit event and ANALYZE) with each
    batch written by COPY instead of prepared INSERTs: the same rows, the same change log."""
    from tqdm import tqdm

    from bmis.crossings import traffic

    with tqdm(total=crossings, unit=" crossings", desc="traffic", file=sys.stderr) as bar:
        done = [0]

        def progress(written: int) -> None:
            bar.update(written - done[0])
            done[0] = written

        with mock.patch.object(traffic, "write", copy_write):
            traffic.generate(crossings=crossings, seed=SEED, progress=progress)


def copy_write(batch) -> None:
    """Write a batch as `traffic.records.write` does, in one transaction, by COPY: each value
    as its `Table` adapts it, each table's defaults for the columns the row does not set."""
    from django.db import connection, transaction

    from bmis.crossings.models import Crossing, Person, Shift, StayCase, TravelDocument
    from bmis.crossings.traffic.records import Table

    tables = (
        (Person, batch.persons),
        (TravelDocument, batch.documents),
        (Shift, batch.shifts),
        (Crossing, batch.crossings),
        (StayCase, batch.cases),
    )
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model, rows in tables:
            table = Table(model)
            pairs = [
                (f.attname, adapt) for f, adapt in zip(table.fields, table.adapters, strict=True)
            ]
            defaults = table.defaults
            columns = ", ".join(quote(f.column) for f in table.fields)
            sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(
                        [
                            adapt(row.get(name, defaults[name]))
                            if adapt
                            else row.get(name, defaults[name])
                            for name, adapt in pairs
                        ]
                    )


def refresh() -> dict:
    """Count the backlog into the cubes, as the view's catch-up and `stats_refresh` do."""
    from tqdm import tqdm

    from bmis.stats import aggregate

    waiting = aggregate.waiting()
    started = time.perf_counter()
    with tqdm(total=waiting, unit=" crossings", desc="refresh", file=sys.stderr) as bar:
        while True:  # what `refresh()` does, `rounds` at a time for the progress bar
            read = aggregate.refresh(rounds=20)
            bar.update(read)
            if read < 20 * aggregate.CHANGES:
                break
    seconds = time.perf_counter() - started
    return {
        "crossings": waiting,
        "seconds": round(seconds, 1),
        "rate": round(waiting / seconds) if seconds and waiting else None,
    }


def analyze() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return round(time.perf_counter() - started, 1)


def facts() -> dict:
    from django.db import connection

    from bmis.crossings.models import Crossing, Person
    from bmis.stats.models import DayFlow, MonthFlow

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version(), current_setting('shared_buffers'), "
            "current_setting('work_mem'), current_setting('jit'), "
            "current_setting('max_parallel_workers_per_gather')"
        )
        version, shared_buffers, work_mem, jit, parallel = cursor.fetchone()
        sizes = {}
        for model in (Crossing, Person, DayFlow, MonthFlow):
            table = model._meta.db_table
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            sizes[table] = round(cursor.fetchone()[0] / 1e6)
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "processors": os.cpu_count(),
        "cpu": cpu_model(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "postgresql": version.split(" on ")[0],
        "settings": f"shared_buffers {shared_buffers}, work_mem {work_mem}, jit {jit}, "
        f"max_parallel_workers_per_gather {parallel}",
        "crossings": Crossing.objects.count(),
        "persons": Person.objects.count(),
        "day_cells": DayFlow.objects.count(),
        "month_cells": MonthFlow.objects.count(),
        "sizes_mb": sizes,
    }


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def period_of_data() -> tuple[date, date]:
    from django.db.models import Max, Min
    from django.utils import timezone

    from bmis.crossings.models import Crossing

    span = Crossing.objects.aggregate(first=Min("at"), last=Max("at"))
    return timezone.localdate(span["first"]), timezone.localdate(span["last"])


# --- The views, and their sections on the cubes ---------------------------------------------------


def views(last: date) -> list[dict]:
    """Return the dashboard views timed: name, filters and grain, ending on the data's last
    day (the generator's traffic covers the 365 days before it)."""
    from bmis.stats.queries import Filters

    year = Filters(start=last - timedelta(days=364), end=last)
    month_end = last.replace(day=1) - timedelta(days=1)
    quarter_start = date(last.year, 3 * ((last.month - 1) // 3) + 1, 1)
    quarter_end = quarter_start - timedelta(days=1)
    quarter = date(quarter_end.year, 3 * ((quarter_end.month - 1) // 3) + 1, 1)
    found = [
        ("the national year, by week", year, "week"),
        ("the last 30 days, by day", Filters(start=last - timedelta(days=29), end=last), "day"),
        (
            "a month at one post (OUA), by day",
            Filters(start=month_end.replace(day=1), end=month_end, post=("OUA",)),
            "day",
        ),
        ("a year of one nationality (USA), by month", year.narrowed(nationality=("USA",)), "month"),
        (
            "a post, a nationality, a direction (PAP, USA, entry), the year, by week",
            year.narrowed(post=("PAP",), nationality=("USA",), direction=("entry",)),
            "week",
        ),
        ("the last whole quarter, by week", Filters(start=quarter, end=quarter_end), "week"),
        ("the land posts' year, by month", year.narrowed(post_kind=("land",)), "month"),
    ]
    return [{"name": name, "filters": filters, "grain": grain} for name, filters, grain in found]


def cube_sections(view: dict) -> dict:
    """Return each section of the page as the view computes it, and the view's other work on
    the database (names in brackets: timed, not compared)."""
    from bmis.stats import aggregate, figures, queries
    from bmis.stats import views as dashboard

    filters, grain = view["filters"], view["grain"]
    found = {
        "totals": lambda: queries.totals(filters),
        "year before": lambda: queries.totals(filters.year_before()),
        f"series by {grain}": lambda: series_of(figures.series_table(filters, grain).rows),
    }
    for by in figures.BREAKDOWN_TITLES:
        found[f"by {by}"] = lambda by=by: rows_of(figures.breakdown_table(filters, by).rows)
    found["(catch-up, waiting)"] = lambda: (
        aggregate.refresh(rounds=dashboard.CATCH_UP),
        aggregate.waiting(),
    )
    found["(present now)"] = lambda: dashboard._now(filters)
    return found


def series_of(rows: list[dict]) -> dict:
    return {row["period"]: (row["entries"], row["exits"]) for row in rows if row["crossings"]}


def rows_of(rows: list[dict]) -> list[tuple]:
    return sorted((row["value"], row["entries"], row["exits"], row["crossings"]) for row in rows)


# --- The same figures by a plain GROUP BY over the crossings ------------------------------------

# Each dimension of a crossing as `aggregate.cell` makes it (and the post's type, as
# `queries.breakdown` reads it from the post), over the crossings, travellers (p) and posts (s).
DIMENSION_SQL = {
    "post": "s.code",
    "post_kind": "s.kind",
    "direction": "c.direction",
    "decision": "c.decision",
    "nationality": "p.nationality",
    "sex": "COALESCE(p.sex, '')",
    "age": "{age}",
    "purpose": "COALESCE(c.purpose_id, '')",
    "mode": "c.mode",
    "carrier": "COALESCE(c.carrier, '')",
    "refusal": "COALESCE(c.refusal_reason_id, '')",
    "overstay": "{overstay}",
}
# The crossings in force of the period (not withdrawn, not replaced by a correction, withdrawn
# or not), with their day in Haiti's time (`d`) and every dimension.
PLAIN_ROWS = """
SELECT {dimensions}, d.day
FROM crossings_crossing c
JOIN crossings_person p ON p.id = c.person_id
JOIN posts_post s ON s.id = c.post_id
CROSS JOIN LATERAL (SELECT (c.at AT TIME ZONE '{zone}')::date AS day) d
WHERE NOT c.void
  AND NOT EXISTS (SELECT 1 FROM crossings_crossing k WHERE k.corrects_id = c.id)
  AND c.at >= %(since)s AND c.at < %(until)s
"""
COUNTS = (
    "count(*) FILTER (WHERE direction = 'entry') AS entries, "
    "count(*) FILTER (WHERE direction = 'exit') AS exits"
)
GRAIN_SQL = {
    "day": "day",
    "week": "date_trunc('week', day)::date",
    "month": "date_trunc('month', day)::date",
    "year": "date_trunc('year', day)::date",
}


def plain_rows() -> str:
    """Return `PLAIN_ROWS` with every dimension the dashboard breaks the figures down by."""
    from django.conf import settings

    from bmis.stats.aggregate import AGE_GROUPS, OVERSTAYS
    from bmis.stats.queries import BREAKDOWNS

    unknown = set(BREAKDOWNS) - DIMENSION_SQL.keys()
    if unknown:
        sys.exit(f"The plain query does not know the dimensions {', '.join(sorted(unknown))}.")
    # `aggregate.age_group`: completed years at the day of crossing, then the group.
    years = (
        "(date_part('year', d.day) - date_part('year', p.birth_date)"
        " - (date_part('month', d.day) * 100 + date_part('day', d.day)"
        " < date_part('month', p.birth_date) * 100 + date_part('day', p.birth_date))::int)"
    )
    ages = " ".join(f"WHEN {years} BETWEEN {low} AND {high} THEN '{code}'"
                    for code, low, high in AGE_GROUPS)  # fmt: skip
    age = f"CASE WHEN p.birth_date IS NULL OR p.birth_date > d.day THEN '' {ages} ELSE '' END"
    # `aggregate.overstay_group`: none (NULL or 0) is "".
    overstays = " ".join(f"WHEN c.overstay_days BETWEEN {low} AND {high} THEN '{code}'"
                         for code, low, high in OVERSTAYS)  # fmt: skip
    overstay = f"CASE {overstays} ELSE '' END"
    dimensions = ", ".join(
        f"{sql.format(age=age, overstay=overstay)} AS {name}" for name, sql in DIMENSION_SQL.items()
    )
    return PLAIN_ROWS.format(dimensions=dimensions, zone=settings.TIME_ZONE)


def plain(filters, select: str, group: str = "") -> list[tuple]:
    """Run `select` over the crossings in force of the period that `filters` keep."""
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db import connection

    zone = ZoneInfo(settings.TIME_ZONE)  # Haiti's: the day of a crossing
    params = {
        "since": datetime.combine(filters.start, clock(0), tzinfo=zone),
        "until": datetime.combine(filters.end + timedelta(days=1), clock(0), tzinfo=zone),
    }
    kept = []
    for name, values in filters.chosen().items():
        kept.append(f"{name} = ANY(%({name})s)")
        params[name] = list(values)
    sql = f"SELECT {select} FROM ({plain_rows()}) AS f"
    if kept:
        sql += " WHERE " + " AND ".join(kept)
    if group:
        sql += f" GROUP BY {group}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def plain_totals(filters) -> dict:
    select = (
        f"{COUNTS}, count(*) FILTER (WHERE decision = 'refused'), "
        "count(*) FILTER (WHERE decision = 'referred'), count(*)"
    )
    entries, exits, refused, referred, crossings = plain(filters, select)[0]
    return {
        "entries": entries,
        "exits": exits,
        "refused": refused,
        "referred": referred,
        "crossings": crossings,
        "net": entries - exits,
    }


def plain_series(filters, grain: str) -> dict:
    rows = plain(filters, f"{GRAIN_SQL[grain]} AS period, {COUNTS}", "1")
    return {period: (entries, exits) for period, entries, exits in rows}


def plain_breakdown(filters, by: str) -> list[tuple]:
    """Return the entries, exits and crossings of each value of `by`, narrowed as
    `figures.breakdown_table` narrows them."""
    from bmis.stats.aggregate import OVERSTAYS

    if by == "refusal":  # the reasons of the refusals only
        filters = filters.narrowed(decision=("refused",))
    if by == "overstay" and not filters.overstay:  # the exits after an overstay only
        filters = filters.narrowed(overstay=tuple(code for code, _low, _high in OVERSTAYS))
    rows = plain(filters, f"{by}, {COUNTS}, count(*)", "1")
    return sorted(rows)


def plain_sections(view: dict) -> dict:
    from bmis.stats import figures

    filters, grain = view["filters"], view["grain"]
    found = {
        "totals": lambda: plain_totals(filters),
        "year before": lambda: plain_totals(filters.year_before()),
        f"series by {grain}": lambda: plain_series(filters, grain),
    }
    for by in figures.BREAKDOWN_TITLES:
        found[f"by {by}"] = lambda by=by: plain_breakdown(filters, by)
    return found


# --- Timing and checking -------------------------------------------------------------------------


def measure(sections: dict, repeat: int) -> dict:
    """Time `repeat` pages, each section in turn, after a warm-up page (whose figures are
    returned under "warm-up"); return p50 and p95 of each section and of the page (in ms)."""
    warm = {name: compute() for name, compute in sections.items()}
    times: dict[str, list[float]] = {name: [] for name in sections}
    pages, figures_only = [], []
    for _ in range(repeat):
        page = 0.0
        for name, compute in sections.items():
            started = time.perf_counter()
            compute()
            ms = (time.perf_counter() - started) * 1000
            times[name].append(ms)
            page += ms
        pages.append(page)
        figures_only.append(sum(times[name][-1] for name in sections if name[0] != "("))
    found = {name: percentiles(values) for name, values in times.items()}
    found["page (figures)"] = percentiles(figures_only)
    if pages != figures_only:
        found["page (figures and the rest)"] = percentiles(pages)
    found["warm-up"] = warm
    return found


def percentiles(values: list[float]) -> dict:
    ordered = sorted(values)

    middle = len(ordered) // 2
    p50 = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    p95 = ordered[math.ceil(0.95 * len(ordered)) - 1]  # the nearest rank
    return {
        "n": len(values),
        "p50": round(p50, 1),
        "p95": round(p95, 1),
        "max": round(ordered[-1], 1),
    }


def agree(view: str, cubes: dict, plain: dict) -> None:
    """Stop unless the cubes and the plain query give the same figures in every section."""
    differ = [name for name, figures in plain.items() if cubes[name] != figures]
    for name in differ:
        print(f"{view}, {name}:\n  cubes: {cubes[name]}\n  plain: {plain[name]}", file=sys.stderr)
    if differ:
        sys.exit(f"The cubes and the plain query differ ({view}: {', '.join(differ)}).")
    total = cubes["totals"]["crossings"]
    log(f"  same figures in all {len(plain)} sections ({total:,} crossings in the period)")


# --- The report ----------------------------------------------------------------------------------


def report(found: dict, args) -> bool:
    """Print the figures and a verdict per view and target; return whether all are met."""
    f = found["facts"]
    print()
    print("Statistics dashboard: each section through the view's functions (cubes) and by a plain")
    print(
        f"GROUP BY over the crossings (plain), in ms; cubes: {args.repeat} pages, plain: "
        f"{args.plain_repeat} pages, each after a warm-up page. Ratio: plain p50 / cubes p50."
    )
    print(
        f"Machine: {f['processors']} processors ({f['cpu']}), {f['memory_gib']} GiB; Python "
        f"{f['python']}; {f['postgresql']} ({f['settings']})."
    )
    print(
        f"Data: {f['crossings']:,} crossings of {f['persons']:,} travellers; cubes of "
        f"{f['day_cells']:,} day cells and {f['month_cells']:,} month cells; sizes (MB, with "
        f"indexes): {', '.join(f'{t} {mb:,}' for t, mb in f['sizes_mb'].items())}."
    )
    load = found["load"]
    if load:
        print(
            f"Loaded {load['crossings']:,} crossings by {load['by']} in {load['seconds']} s "
            f"({load['rate']:,} crossings/s)."
        )
    r = found["refresh"]
    print(
        f"aggregate.refresh() of the backlog: {r['crossings']:,} crossings in {r['seconds']} s"
        + (f" ({r['rate']:,} crossings/s)" if r["rate"] else "")
        + f"; ANALYZE {found['analyze_s']} s."
    )
    met = True
    for view in found["views"]:
        cubes, plain = view["cubes"], view["plain"]
        print(f"\n{view['name']}")
        rows = [("section", "cubes p50", "p95", "plain p50", "p95", "ratio")]
        for name, c in cubes.items():
            p = None if name == "page (figures and the rest)" else plain.get(name)
            ratio = f"{p['p50'] / c['p50']:.1f}x" if p and c["p50"] else ""
            rows.append(
                (
                    name,
                    f"{c['p50']:.1f}",
                    f"{c['p95']:.1f}",
                    f"{p['p50']:.1f}" if p else "",
                    f"{p['p95']:.1f}" if p else "",
                    ratio,
                )
            )
        table(rows)
        whole, figures = cubes["page (figures and the rest)"], cubes["page (figures)"]
        ratio = plain["page (figures)"]["p50"] / figures["p50"]
        slow = [
            name
            for name, p in plain.items()
            if not name.startswith("page") and p["p50"] < TARGET_RATIO * cubes[name]["p50"]
        ]
        fast = whole["p95"] <= TARGET_MS
        faster = ratio >= TARGET_RATIO
        met = met and fast and faster
        print(
            f"  p95 <= {TARGET_MS} ms: {'met' if fast else 'MISSED'} ({whole['p95']:.1f} ms "
            f"the whole; {figures['p95']:.1f} ms the figures alone)"
        )
        print(
            f"  >= {TARGET_RATIO}x faster than the plain query: "
            f"{'met' if faster else 'MISSED'} ({ratio:.1f}x the page's figures"
            + (f"; sections under {TARGET_RATIO}x: {', '.join(slow)}" if slow else "")
            + ")"
        )
    print(f"\nAll targets: {'met' if met else 'MISSED'}")
    return met


def table(rows: list[tuple]) -> None:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [str(row[0]).ljust(widths[0])]
        cells += [str(cell).rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  " + "  ".join(cells))


if __name__ == "__main__":
    main()
