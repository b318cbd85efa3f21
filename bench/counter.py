"""Benchmark of the counter: the server-side time of a whole primary-inspection transaction.

With a year of synthetic traffic loaded (1,000,000 crossings of about 330,000 travellers by
default, `manage.py demo_traffic`), time what the server does for one traveller at a counter:
read the zone (`reading.from_mrz`), run the checks and fetch the history (`inspection.inspect`),
then record the crossing with its audit event (`services.crossing_record`, which inspects again
and commits). The mix: known travellers entering, known travellers leaving, and new travellers
entering. Report p50, p95, p99 and max over the measured transactions, after a warm-up.

Each backend runs in a subprocess with its own settings: SQLite in var/bench/bench.sqlite3 (the
post node's default database) and PostgreSQL in the database `openbmis_bench`. A database that
already holds the traffic asked for is reused; one that holds less gets the rest generated.

    .venv/bin/python bench/counter.py                          # both backends, full size
    .venv/bin/python bench/counter.py --backend sqlite --crossings 100000 --transactions 500
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "openbmis_bench"
RESULT = "BENCH-RESULT "  # the line of the worker's output that carries its figures
TARGET_MS = 50
SELECT_LIST = re.compile(r"^SELECT .+? FROM", re.DOTALL)  # shown as SELECT … FROM
SEED = 2026


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--crossings", type=int, default=1_000_000)
    parser.add_argument("--transactions", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="Print the slowest queries.")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if args.worker:
        print(RESULT + json.dumps(Worker(args).run()), flush=True)
        return
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = [run_backend(backend, args) for backend in backends]
    report(results, args)
    if any(result["total"]["p95"] > TARGET_MS for result in results):
        sys.exit(1)


def run_backend(backend: str, args) -> dict:
    """Run the worker for `backend` in a subprocess with its own settings; return its figures."""
    VAR.mkdir(parents=True, exist_ok=True)
    if backend == "postgres":
        create_database()
        url = f"{PG_SERVER}/{PG_DATABASE}"
    else:
        url = f"sqlite:///{VAR / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BMIS_ENV_FILE": "",
        "BMIS_ROLE": "post",
        "BMIS_POST": "PAP",
        "BMIS_VAR_DIR": str(VAR),
        "DATABASE_URL": url,
        "DEBUG": "false",
    }
    command = [sys.executable, __file__, "--worker", backend]
    command += ["--crossings", str(args.crossings), "--transactions", str(args.transactions)]
    command += ["--warmup", str(args.warmup)]
    print(f"[{backend}] {url}", file=sys.stderr, flush=True)
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
    if done.returncode or not lines:
        sys.exit(f"[{backend}] the benchmark failed (exit status {done.returncode}).")
    return json.loads(lines[-1][len(RESULT) :])


def create_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE])
        if found.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')


# --- The worker: one backend, in its own process -------------------------------------------------


class Worker:
    def __init__(self, args) -> None:
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        self.args = args
        self.backend = args.worker
        self.rng = random.Random()  # new travellers' names and numbers, new at every run
        self.queries: dict[str, list[float]] = defaultdict(list)
        self.count = 0

    def log(self, text: str) -> None:
        print(f"[{self.backend}] {text}", file=sys.stderr, flush=True)

    def run(self) -> dict:
        generation = self.populate()
        from bmis.crossings.models import Crossing, Person

        crossings, persons = Crossing.objects.count(), Person.objects.count()
        plan = self.plan()
        self.log(f"{len(plan)} transactions ({self.args.warmup} of warm-up)")
        timings = self.measure(plan)
        measured = timings[self.args.warmup :]
        slowest = sorted(((sum(t), len(t), sql) for sql, t in self.queries.items()), reverse=True)[
            :12
        ]
        return {
            "backend": self.backend,
            "crossings": crossings,
            "persons": persons,
            "generation": generation,
            "transactions": len(measured),
            "total": percentiles([t["total"] for t in measured]),
            "phases": {
                phase: percentiles([t[phase] for t in measured])
                for phase in ("parse", "inspect", "record")
            },
            "kinds": {
                kind: percentiles([t["total"] for t in measured if t["kind"] == kind])
                for kind in ("known entry", "known exit", "new entry")
            },
            "queries": statistics.mean(t["queries"] for t in measured),
            "slowest": [
                {
                    "ms": round(total * 1000, 1),
                    "count": n,
                    "sql": re.sub(SELECT_LIST, "SELECT … FROM", sql),
                }
                for total, n, sql in slowest
            ],
        }

    def populate(self) -> dict | None:
        """Migrate, load the reference data and generate the traffic missing; time each."""
        from django.core.management import call_command

        from bmis.crossings.models import Crossing
        from bmis.reference.models import Country

        started = time.monotonic()
        call_command("migrate", verbosity=0)
        if not Country.objects.exists():
            call_command("load_reference", verbosity=0)
        have = Crossing.objects.count()
        missing = self.args.crossings - have
        if missing <= 0:
            self.log(f"reusing {have} crossings")
            return None
        self.log(f"{have} crossings: generating {missing} more")
        generating = time.monotonic()
        call_command("demo_traffic", crossings=missing, seed=SEED, stdout=sys.stderr)
        return {
            "crossings": missing,
            "setup_seconds": round(generating - started, 1),
            "seconds": round(time.monotonic() - generating, 1),
        }

    def plan(self) -> list[tuple[str, str]]:
        """Return (kind, zone) for each transaction: 40% known entries, 40% exits, 20% new."""
        from bmis.crossings.models import TravelDocument

        n = self.args.warmup + self.args.transactions
        kinds = ["known entry", "known exit", "known entry", "known exit", "new entry"]
        wanted = [kinds[i % len(kinds)] for i in range(n)]
        zones = {}
        for kind, present in (("known entry", False), ("known exit", True)):
            documents = (
                TravelDocument.objects.exclude(mrz="")
                .filter(person__present=present)
                .order_by("?")
                .values_list("mrz", flat=True)[: wanted.count(kind)]
            )
            zones[kind] = list(documents)
            if len(zones[kind]) < wanted.count(kind):
                sys.exit(f"Not enough travellers for {wanted.count(kind)} '{kind}' transactions.")
        zones["new entry"] = [self.new_zone() for _ in range(wanted.count("new entry"))]
        return [(kind, zones[kind].pop()) for kind in wanted]

    def new_zone(self) -> str:
        from datetime import date, timedelta

        from domain import mrz

        rng = self.rng
        state = rng.choice(["USA", "CAN", "FRA", "HTI", "DOM", "BRA", "CHN", "JAM"])
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        return "\n".join(
            mrz.build(
                format="TD3",
                document_code="P",
                issuing_state=state,
                surname="".join(rng.choice(letters) for _ in range(rng.randrange(4, 12))),
                given_names="".join(rng.choice(letters) for _ in range(rng.randrange(3, 9))),
                document_number="X" + "".join(rng.choice("0123456789") for _ in range(8)),
                nationality=state,
                birth_date=date(1950, 1, 1) + timedelta(days=rng.randrange(20000)),
                sex=rng.choice("MF"),
                expiry_date=date.today() + timedelta(days=rng.randrange(200, 3000)),
            )
        )

    def shifts(self) -> dict:
        """Open an entry and an exit shift at PAP for two bench officers (made once)."""
        import secrets

        from bmis.accounts.models import User
        from bmis.accounts.services import user_create
        from bmis.crossings.services import shift_open
        from bmis.posts.models import Counter, Post

        pap = Post.objects.get(code="PAP")
        shifts = {}
        for direction, counter in (("entry", "A3"), ("exit", "D2")):
            username = f"bench-{direction}-pap"
            officer = User.objects.filter(username=username).first() or user_create(
                actor=None,
                username=username,
                password=secrets.token_urlsafe(32),
                role="officer",
                post=pap,
            )
            counter = Counter.objects.get(post=pap, code=counter)
            shifts[direction] = shift_open(officer=officer, counter=counter, direction=direction)
        return shifts

    def measure(self, plan: list[tuple[str, str]]) -> list[dict]:
        from django.db import connection
        from django.utils import timezone

        from bmis.crossings.inspection import inspect
        from bmis.crossings.reading import from_mrz
        from bmis.crossings.services import Details, crossing_record
        from bmis.reference.models import TravelPurpose

        shifts = self.shifts()
        tourism = TravelPurpose.objects.get(code="tourism")
        timings = []
        with connection.execute_wrapper(self.timed):
            for n, (kind, zone) in enumerate(plan):
                direction = "exit" if kind == "known exit" else "entry"
                shift = shifts[direction]
                queries = self.count
                started = time.perf_counter()
                today = timezone.localdate()
                reading = from_mrz(zone, today=today)
                parsed = time.perf_counter()
                inspection = inspect(reading, direction=direction, today=today)
                inspected = time.perf_counter()
                # An officer refers a traveller whose checks block a plain admission (a hit on
                # a high-priority alert list, when lists are loaded): so does the benchmark.
                decision = "referred" if inspection.blocking else "admitted"
                foreign = direction == "entry" and reading.nationality != "HTI"
                crossing_record(
                    officer=shift.officer,
                    shift=shift,
                    submission=uuid.uuid4(),
                    reading=reading,
                    details=Details(
                        mode="air",
                        carrier="American Airlines",
                        flight="AA1331" if direction == "entry" else "AA1332",
                        place_country="USA",
                        place="Miami",
                        purpose=tourism if foreign else None,
                        intended_stay_days=10 if foreign else None,
                    ),
                    decision=decision,
                )
                done = time.perf_counter()
                timings.append(
                    {
                        "kind": kind,
                        "parse": (parsed - started) * 1000,
                        "inspect": (inspected - parsed) * 1000,
                        "record": (done - inspected) * 1000,
                        "total": (done - started) * 1000,
                        "queries": self.count - queries,
                    }
                )
                if n == self.args.warmup - 1:
                    self.queries.clear()
                if (n + 1) % 500 == 0:
                    self.log(f"{n + 1} / {len(plan)}")
        return timings

    def timed(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries[sql].append(time.perf_counter() - started)
            self.count += 1


def percentiles(values: list[float]) -> dict:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "n": len(values),
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": round(ordered[-1], 1),
        "mean": round(statistics.mean(values), 1),
    }


# --- The report ----------------------------------------------------------------------------------


def report(results: list[dict], args) -> None:
    print()
    print("Primary inspection, server side (ms): parse + inspect + record and audit")
    header = ("backend", "crossings", "travellers", "n", "p50", "p95", "p99", "max", "queries")
    rows = [header]
    for r in results:
        t = r["total"]
        rows.append(
            (
                r["backend"],
                f"{r['crossings']:,}",
                f"{r['persons']:,}",
                str(t["n"]),
                *(f"{t[k]:.1f}" for k in ("p50", "p95", "p99", "max")),
                f"{r['queries']:.1f}",
            )
        )
    table(rows)
    print()
    rows = [("backend", "part", "p50", "p95", "p99", "max")]
    for r in results:
        parts = {**r["phases"], **r["kinds"]}
        for name, t in parts.items():
            rows.append(
                (r["backend"], name, *(f"{t[k]:.1f}" for k in ("p50", "p95", "p99", "max")))
            )
    table(rows)
    for r in results:
        if r["generation"]:
            g = r["generation"]
            print(
                f"\n[{r['backend']}] generated {g['crossings']:,} crossings in {g['seconds']} s "
                f"(migrate and reference data: {g['setup_seconds']} s)"
            )
        verdict = "met" if r["total"]["p95"] <= TARGET_MS else "MISSED"
        print(f"[{r['backend']}] target p95 <= {TARGET_MS} ms: {verdict}")
        if args.profile or verdict == "MISSED":
            print(f"[{r['backend']}] queries by total time over the measured transactions:")
            for q in r["slowest"]:
                print(f"  {q['ms']:>8.1f} ms {q['count']:>6}x  {q['sql'][:400]}")


def table(rows: list[tuple]) -> None:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(cell).rjust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
