"""Benchmark of synchronisation: what headquarters (PostgreSQL) takes in from the posts' nodes.

Three figures, each against headquarters on a fresh PostgreSQL database behind
`manage.py serve` with two workers (the harness of `bmis/sync/tests/nodes.py`):

1. Ingest: a large backlog of one post's crossings (--crossings, with their travellers,
   documents, shifts and audit events), in the batches the post's agent makes of its change log
   (as `agent.push_all` does for a backlog: `agent.PUSH_BATCH` changes in the first batch,
   growing to `agent.PUSH_BATCH_MAX`), stored in process through the
   real path: `orjson.loads` of the body (as the view) then `services.push_receive`, which reads
   each record (`records.load`), stores the batch and derives the travellers' state: what the
   /sync/push view does once the request is authenticated; and where the time goes. Then the
   same rows written by `COPY` into a copy of that database made before the ingest (the same tables,
   indexes, constraints and sync triggers), in one transaction: the limit. Then --http-batches
   more batches, and as many empty ones, in turn through the real endpoint (signed, over HTTP,
   the answer's signature checked) and in process: the difference is what the HTTP and
   signature layer adds.
2. A week offline: a real post node on SQLite, enrolled and in step with headquarters, records
   --week crossings, then its agent pushes them all (`agent.push_all`, in the node's own
   process, as `manage.py sync` does: each batch made in a thread while the one before is on
   the wire); then `manage.py sync` runs once more.
3. --posts posts at once: as many nodes enrolled at headquarters, each with its own key, push
   a backlog of --post-crossings crossings each, all at the same time. The nodes are threads of
   one process that send, one after the other, the signed batches their agent would make: not
   that many SQLite nodes.

The traffic is the demo traffic generator's (`bmis/crossings/traffic`), at one post, over the
days the post needs to record it at 5,000 crossings a day. A node writes it in the order the
counter's service does (a new traveller and document, the shift, the crossing, the traveller's
derived state, the audit event `crossing.recorded` in the node's hash chain), so that its change
log, and the batches made of it, are those of a counter's work.

    .venv/bin/python bench/sync.py                    # full size, 20 minutes
    .venv/bin/python bench/sync.py --crossings 20000 --week 5000 --posts 20
    .venv/bin/python bench/sync.py --only ingest --profile ingest.prof   # cProfile's figures
"""

import argparse
import cProfile
import itertools
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bmis.sync.tests.nodes import PG_SERVER, Headquarters, PostNode  # noqa: E402

VAR = ROOT / "var" / "bench"
RESULT = "BENCH-RESULT "  # the line of a worker's output that carries its figures
INSIDE = "  of which "  # a phase inside the one above it: not added to the total
SEED = 2026
TARGET_RATE = 20_000  # crossings a second
TARGET_SHARE = 1 / 3  # of COPY's rate
TARGET_WEEK = 10.0  # seconds
INGEST_POST, WEEK_POST = "PAP", "CAP"
PER_DAY = 5000  # crossings a day at a busy post: the week's 35,000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--crossings", type=int, default=100_000, help="The backlog (1).")
    parser.add_argument("--http-batches", type=int, default=60, help="Half over HTTP (1).")
    parser.add_argument("--week", type=int, default=35_000, help="The week's crossings (2).")
    parser.add_argument("--posts", type=int, default=100, help="Posts syncing at once (3).")
    parser.add_argument("--post-crossings", type=int, default=350, help="Each post's (3).")
    parser.add_argument("--only", choices=["ingest", "week", "posts"], help="Run one part.")
    parser.add_argument("--profile", default="", help="cProfile's figures to here.")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--post", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--clone", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if args.worker:
        print(RESULT + json.dumps(WORKERS[args.worker](args), default=str), flush=True)
        return
    VAR.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="sync-", dir=VAR))
    results: dict = {}
    try:
        if args.only in (None, "ingest"):
            results["ingest"] = ingest_part(folder / "ingest", args)
        if args.only in (None, "week", "posts"):
            results |= node_parts(folder / "nodes", args)
    except BaseException:
        log(f"the servers' logs are kept in {folder}")
        raise
    finally:
        for hq in HQS:
            hq.drop()
        drop_databases(CLONES)
    shutil.rmtree(folder, ignore_errors=True)
    sys.exit(1 if report(results) else 0)


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {text}", file=sys.stderr, flush=True)


# --- The orchestra: databases, servers, nodes, and the workers in their processes ---------------

HQS: list[Headquarters] = []
CLONES: list[str] = []


def headquarters(folder: Path) -> Headquarters:
    log("headquarters: a new PostgreSQL database, migrated, reference data loaded")
    hq = Headquarters(folder)
    HQS.append(hq)
    return hq


def drop_databases(names: list[str]) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def work(node, role: str, args, **extra: str) -> dict:
    """Run the worker `role` in a process with `node`'s environment; return its figures."""
    env = {**node.env, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false"}
    command = [sys.executable, __file__, "--worker", role]
    for name in ("crossings", "http_batches", "week", "posts", "post_crossings", "profile"):
        command += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    for name, value in extra.items():
        command += [f"--{name}", value]
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
    if done.returncode or not lines:
        sys.exit(f"The worker {role} failed (exit status {done.returncode}).")
    return json.loads(lines[-1][len(RESULT) :])


def ingest_part(folder: Path, args) -> dict:
    import psycopg

    hq = headquarters(folder)
    work(hq, "prepare", args, post=INGEST_POST)
    clone = f"{hq.database}_copy"  # before anything is ingested, and while no one is connected
    CLONES.append(clone)
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{clone}" TEMPLATE "{hq.database}"')
    hq.start()
    result = work(hq, "ingest", args, url=hq.url, clone=clone)
    hq.drop()
    drop_databases([clone])
    return result


def node_parts(folder: Path, args) -> dict:
    hq = headquarters(folder / "hq")
    found = {}
    code = work(hq, "prepare", args, post=WEEK_POST)["code"]
    hq.start()
    if args.only in (None, "week"):
        found["week"] = week_part(hq, folder, code, args)
    if args.only in (None, "posts"):
        found["posts"] = work(hq, "posts", args, url=hq.url)
    hq.drop()
    return found


def week_part(hq: Headquarters, folder: Path, code: str, args) -> dict:
    log(f"post {WEEK_POST}: a node on SQLite, enrolled, in step with headquarters")
    post = PostNode(folder / WEEK_POST.lower(), WEEK_POST)
    post.manage("node_enrol", "--hq", hq.url, "--code", code)
    post.manage("sync")
    result = work(post, "week-record", args)
    result |= work(post, "week-push", args)
    log(f"post {WEEK_POST}: `manage.py sync` once more")
    started = time.perf_counter()
    done = post.manage("sync")
    result["sync_seconds"] = round(time.perf_counter() - started, 2)
    result["sync_said"] = done.stdout.strip()
    rows = hq.query("SELECT count(*) FROM crossings_crossing WHERE origin = %s", WEEK_POST)
    head = hq.query("SELECT seq FROM core_auditchainhead WHERE node = %s", WEEK_POST)
    result["at_hq"] = {"crossings": rows[0][0], "chain_head": head[0][0] if head else 0}
    return result


# --- Traffic: one post's work at its counters, as its node writes it ----------------------------


def representative_checks() -> list[dict]:
    """Return the checks a counter stores with an ordinary crossing (those of a real one)."""
    from datetime import date

    from django.utils import timezone

    from bmis.crossings.inspection import inspect
    from bmis.crossings.reading import from_mrz
    from domain import mrz

    lines = mrz.build(format="TD3", document_code="P", issuing_state="USA", surname="MORGAN",
                      given_names="ELLEN", document_number="X20260001", nationality="USA",
                      birth_date=date(1981, 3, 9), sex="F",
                      expiry_date=date(2032, 5, 1))  # fmt: skip
    today = timezone.localdate()
    reading = from_mrz("\n".join(lines), today=today)
    return [check.as_json() for check in inspect(reading, direction="entry", today=today).results]


def recorded(post, crossings: int, *, run: int, chain: tuple[int, str]) -> Iterator[tuple]:
    """Yield ("insert" or "update", row) in the order the counter's services write them, and
    ("row", row) for each traveller in their final state and each data-quality case.

    `crossings` crossings at `post`, drawn by the demo traffic generator (seed `SEED`, `run`);
    the audit events continue the node's chain from `chain` (its last seq and hash).
    """
    from django.utils import timezone

    from bmis.accounts.models import User
    from bmis.core.audit import event_hash
    from bmis.core.models import AuditEvent
    from bmis.crossings.models import Crossing, Person, Shift, StayCase, TravelDocument
    from bmis.crossings.traffic import journeys
    from bmis.crossings.traffic.records import Records, uuid7_at
    from bmis.posts.models import Counter

    # The generator draws a year of traffic: a backlog covers the days the post took to record it.
    journeys.WINDOW_DAYS = max(1, round(crossings / PER_DAY))
    generator = Records(posts={post.code: post}, seed=SEED, run=run, end=timezone.now())
    names = dict(User.objects.filter(post=post).values_list("pk", "username"))
    counters = dict(Counter.objects.filter(post=post).values_list("pk", "code"))
    checks = representative_checks()
    seq, previous = chain
    made = 0
    while made < crossings:
        batch = generator.batch(min(2000, crossings - made))
        persons = {row["id"]: Person(**row) for row in batch.persons}
        new = set(persons)
        documents = {row["person_id"]: TravelDocument(**row) for row in batch.documents}
        shifts = {row["id"]: Shift(**row) for row in batch.shifts}
        for row in sorted(batch.crossings, key=lambda row: (row["at"], str(row["id"]))):
            crossing = Crossing(**{**row, "checks": checks})
            person, document = persons[crossing.person_id], documents[crossing.person_id]
            if person.pk in new:  # recorded with the traveller's first crossing
                new.discard(person.pk)
                person.last_crossing_id = None
                yield "insert", person
                yield "insert", document
            shift = shifts.pop(crossing.shift_id, None)
            if shift is not None:
                yield "insert", shift
            yield "insert", crossing
            person.last_crossing_id = crossing.pk
            yield "update", person
            seq += 1
            event = AuditEvent(
                id=uuid7_at(crossing.at, generator.rng),
                origin=post.code,
                created_at=crossing.at,
                seq=seq,
                at=crossing.at,
                actor_id=crossing.officer_id,
                actor_username=names.get(crossing.officer_id, ""),
                action="crossing.recorded",
                object_type="crossings.crossing",
                object_id=str(crossing.pk),
                details={
                    "direction": crossing.direction,
                    "decision": crossing.decision,
                    "person": str(person.pk),
                    "document": f"{document.issuing_state} {document.number}",
                    "counter": counters.get(crossing.counter_id, ""),
                    "override": False,
                    "linked_to_known_person": False,
                },
                prev_hash=previous,
            )
            event.hash = previous = event_hash(event)
            yield "insert", event
        for person in persons.values():
            yield "row", person
        for row in batch.cases:
            yield "row", StayCase(**row)
        made += len(batch.crossings)


def agent_batches(changes: Iterator, *, epoch: int, after: int) -> Iterator[dict]:
    """Yield the batches a node's agent makes of these changes, as `agent.push_all` does for a
    backlog on a quick link: PUSH_BATCH changes at most in the first, twice as many in each
    next one up to PUSH_BATCH_MAX (`agent._next_limit`: round trips here take well under
    `agent.QUICK`), each row once, as it is when the batch is made, cut short at PUSH_BYTES.
    Without `waiting`, `oldest_waiting_at` and `lists`: see `bodies`."""
    from bmis.sync import agent

    pending: list[tuple] = []
    limit = agent.PUSH_BATCH
    for seq, obj in enumerate(changes, start=after + 1):
        pending.append((seq, obj))
        while len(pending) > limit:  # a full batch, and more waiting behind it
            batch, pending = _batch(pending, epoch, limit)
            yield batch
            limit = agent._next_limit(limit, {"waiting": len(pending)}, seconds=0.0)
    while pending:
        batch, pending = _batch(pending, epoch, limit)
        yield batch


def _batch(pending: list[tuple], epoch: int, limit: int) -> tuple[dict, list]:
    from bmis.sync import agent, records

    batch, size, seen, used = [], 0, set(), 0
    first = last = pending[0][0]
    for seq, obj in pending[:limit]:
        key = (obj._meta.label, obj.pk)
        if key not in seen:
            record = records.dump(obj)
            size += len(str(record))
            if batch and size > agent.PUSH_BYTES:
                break
            batch.append(record)
            seen.add(key)
        last, used = seq, used + 1
    payload = {"schema": records.SCHEMA, "epoch": epoch, "from_seq": first, "to_seq": last,
               "records": batch}  # fmt: skip
    return payload, pending[used:]


def bodies(post, crossings: int, *, run: int, chain=(0, "0" * 64), after: int = 0,
           copy=None, progress=None) -> tuple[list[bytes], dict]:  # fmt: skip
    """Return the request bodies (`client.call`'s) of the batches of `crossings` new crossings
    at `post`, and what they hold; add the rows to `copy` if given."""
    from bmis.crossings.models import Crossing, Person

    counts = {"crossings": 0, "records": 0, "changes": 0}

    def changes():
        for kind, obj in recorded(post, crossings, run=run, chain=chain):
            final = kind == "row" or type(obj) is not Person  # a traveller's, as a "row"
            if copy is not None and kind != "update" and final:
                copy.add(obj)
            if kind != "row":
                counts["changes"] += 1
                if type(obj) is Crossing:
                    counts["crossings"] += 1
                    if progress is not None:
                        progress.update(1)
                yield obj

    # Encoded as they come, but for the end, which needs the number of changes left after each.
    heads = []
    for payload in agent_batches(changes(), epoch=1, after=after):
        counts["records"] += len(payload["records"])
        heads.append((payload["to_seq"], json.dumps(payload, separators=(",", ":"))[:-1]))
    last = after + counts["changes"]
    made = [
        f'{head},"waiting":{last - to_seq},"oldest_waiting_at":null,"lists":{{}}}}'.encode()
        for to_seq, head in heads
    ]
    counts["batches"] = len(made)
    return made, counts


# --- COPY: the same rows, by the fastest path PostgreSQL has ------------------------------------


class CopyRows:
    """The rows of each table as COPY's text format reads them, made before the clock starts."""

    def __init__(self) -> None:
        self.tables: dict = {}  # model -> (fields, [lines])

    def add(self, obj) -> None:
        model = type(obj)
        if model not in self.tables:
            fields = [f for f in model._meta.concrete_fields if not f.db_returning]
            self.tables[model] = (fields, [])
        fields, lines = self.tables[model]
        lines.append("\t".join(copy_text(getattr(obj, f.attname)) for f in fields) + "\n")

    def count(self) -> int:
        return sum(len(lines) for _, lines in self.tables.values())

    def write(self, conn, order: list) -> None:
        """COPY every table's rows in one transaction (keys checked at its commit)."""
        with conn.transaction(), conn.cursor() as cursor:
            for model in order:
                if model not in self.tables:
                    continue
                fields, lines = self.tables[model]
                columns = ", ".join(f'"{f.column}"' for f in fields)
                with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
                    for start in range(0, len(lines), 5000):
                        copy.write("".join(lines[start : start + 5000]))


def copy_text(value) -> str:
    """Return `value` in COPY's text format (PostgreSQL documentation, COPY, File Formats)."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, dict | list):
        text = json.dumps(value)
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    elif isinstance(value, bytes | memoryview):
        text = "\\x" + bytes(value).hex()
    else:
        text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_into(clone: str, copy: CopyRows, order: list) -> dict:
    """Time COPY of the rows into the copy of the database with the sync triggers, then again
    (the tables emptied) without them: each in a transaction of its own, its keys checked at
    its commit, after a checkpoint."""
    import psycopg

    found = {}
    tables = ", ".join(f'"{model._meta.db_table}"' for model in order)
    with psycopg.connect(f"{PG_SERVER}/{clone}", autocommit=True) as conn:
        for triggers in (True, False):
            if not triggers:
                with conn.transaction():
                    conn.execute(f"TRUNCATE {tables}, sync_change CASCADE")
                    for model in order:  # the sync triggers: constraints' stay
                        conn.execute(f'ALTER TABLE "{model._meta.db_table}" DISABLE TRIGGER USER')
            conn.execute("CHECKPOINT")  # each COPY starts with no dirty page of the last to write
            log(f"COPY {copy.count()} rows {'with' if triggers else 'without'} the sync triggers")
            started = time.perf_counter()
            copy.write(conn, order)
            found["with_triggers" if triggers else "without_triggers"] = round(
                time.perf_counter() - started, 2
            )
    return found


# --- The workers ---------------------------------------------------------------------------------


def setup_django() -> None:
    import django

    django.setup()


def prepare(args) -> dict:
    """At headquarters: the post's counters and staff, the stay rules, an enrolment code."""
    setup_django()
    from bmis.crossings.traffic import prepare as traffic_prepare
    from bmis.posts.models import Post
    from bmis.sync.services import node_code_issue

    post = Post.objects.get(code=args.post)
    traffic_prepare({post.code: post})
    return {"code": node_code_issue(actor=None, post=post)}


def enrol(code: str, key):
    """Enrol post `code`'s node with `key` at headquarters, by the services; return its link."""
    from bmis.posts.models import Post
    from bmis.sync import services, signing
    from bmis.sync.models import NodeLink

    post = Post.objects.get(code=code)
    services.node_enrol(
        post_code=code,
        code=services.node_code_issue(actor=None, post=post),
        public_key=signing.public_pem(key),
        version="bench",
    )
    return NodeLink.objects.select_related("post").get(post=post)


def ingest(args) -> dict:
    """Part 1, in headquarters' environment: the ingest in process, COPY, then through HTTP."""
    setup_django()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from tqdm import tqdm

    from bmis.core.models import AuditEvent
    from bmis.crossings import stays
    from bmis.crossings.models import Crossing, Person, Shift, StayCase, TravelDocument
    from bmis.posts.models import Post
    from bmis.sync import records, services
    from bmis.sync.services import push

    post = Post.objects.get(code=INGEST_POST)
    key = Ed25519PrivateKey.generate()
    link = enrol(INGEST_POST, key)
    copy = CopyRows()
    with tqdm(total=args.crossings, desc="backlog", unit=" crossings", file=sys.stderr) as bar:
        made, counts = bodies(post, args.crossings, run=0, copy=copy, progress=bar)
    megabytes = sum(len(data) for data in made) / 1e6
    log(f"{counts['batches']} batches of {counts['records']} records, {megabytes:.0f} MB of JSON")
    phases = Phases([
        ("push._histories_ahead: the travellers' past, read", push, "_histories_ahead"),
        ("push._store: read and stored, pipelined, keys checked", push, "_store"),
        (f"{INSIDE}records.load, while the database stores", records, "load"),
        (f"{INSIDE}stays.HistoriesAhead.derive, while it stores", stays.HistoriesAhead, "derive"),
        ("push.chain_advance", push, "chain_advance"),
        ("push.persons_merge_duplicates", push, "persons_merge_duplicates"),
        ("stays.derived_write: the travellers' state written", stays, "derived_write"),
        ("push.refresh_persons (small batches, merges)", push, "refresh_persons"),
    ])  # fmt: skip
    timings = []
    profiler = cProfile.Profile() if args.profile else None
    with tqdm(total=counts["crossings"], desc="ingest", unit=" crossings", file=sys.stderr) as bar:
        if profiler is not None:
            profiler.enable()
        started = time.perf_counter()
        for data in made:
            begun = time.perf_counter()
            payload = orjson.loads(data)  # as the view reads a body
            phases.add("orjson.loads of the body", time.perf_counter() - begun)
            answer = services.push_receive(link=link, payload=payload)
            timings.append(time.perf_counter() - begun)
            if answer["refused"] or answer["acked"] != payload["to_seq"]:
                sys.exit(f"headquarters refused records: {answer['refused'][:3]}")
            bar.update(sum(r["model"] == "crossings.Crossing" for r in payload["records"]))
        seconds = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    phases.stop()
    stored = Crossing.objects.filter(origin=INGEST_POST).count()
    if stored != counts["crossings"]:
        sys.exit(f"{stored} crossings stored of {counts['crossings']}")
    order = [Person, TravelDocument, Shift, Crossing, StayCase, AuditEvent]
    return {
        **counts,
        "megabytes": round(megabytes, 1),
        "seconds": round(seconds, 2),
        "batch_ms": spread(timings),
        "phases": phases.seconds,
        "copy": copy_into(args.clone, copy, order),
        "copy_rows": copy.count(),
        "http": through_http(args, link, key, post),
    }


class Phases:
    """Wall time spent in the parts of a path, by wrapping the module functions it calls."""

    def __init__(self, parts: list[tuple[str, object, str]]) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.saved = []
        for name, module, attribute in parts:
            if hasattr(module, attribute):  # the services change: time what is there
                original = getattr(module, attribute)
                self.saved.append((module, attribute, original))
                setattr(module, attribute, self.timed(name, original))

    def timed(self, name: str, function):
        def wrapper(*args, **kwargs):
            begun = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(name, time.perf_counter() - begun)

        return wrapper

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.calls[name] = self.calls.get(name, 0) + 1

    def stop(self) -> None:
        for module, attribute, original in self.saved:
            setattr(module, attribute, original)
        self.seconds = {name: round(value, 2) for name, value in self.seconds.items()}


def through_http(args, link, key, post) -> dict:
    """Send more batches, in turn through the real endpoint and in process; return their times."""
    from bmis.core.models import AuditChainHead
    from bmis.sync import agent, records, services, signing
    from bmis.sync.models import NodeLink

    if args.http_batches < 2:
        return {}
    # More of the post's work: its change numbers and audit events follow the backlog's.
    head = AuditChainHead.objects.get(node=post.code)
    after = NodeLink.objects.get(pk=link.pk).acked_seq
    # A crossing makes four or five changes: enough crossings for --http-batches full batches.
    crossings = args.http_batches * (agent.PUSH_BATCH // 4 + 1)
    made, _ = bodies(post, crossings, run=1, chain=(head.seq, head.hash), after=after)
    hq_key = signing.public_pem(signing.own_key())
    times: dict[str, list[float]] = {"in_process": [], "http": [], "empty_in_process": [],
                                     "empty_http": []}  # fmt: skip
    last = after
    # Batches in turn, then as many empty batches (no change to store: what is left is the
    # request's own cost), alternating too, so that both ways see the same machine.
    empty = [None] * args.http_batches
    for number, data in enumerate([*made[: args.http_batches], *empty], start=1):
        way = "http" if number % 2 == 0 else "in_process"
        if data is None:
            way = f"empty_{way}"
            data = json.dumps({"schema": records.SCHEMA, "epoch": 1, "from_seq": last + 1,
                               "to_seq": last, "records": []}).encode()  # fmt: skip
        begun = time.perf_counter()
        if way.endswith("http"):
            answer = send(args.url, post.code, key, number, data, hq_key)
        else:
            answer = services.push_receive(link=link, payload=orjson.loads(data))
        times[way].append(time.perf_counter() - begun)
        if answer["refused"]:
            sys.exit(f"headquarters refused records: {answer['refused'][:3]}")
        last = answer["acked"]
    return {f"{way}_ms": spread(seconds) for way, seconds in times.items()}


def send(url: str, node: str, key, number: int, data: bytes, hq_key: str) -> dict:
    """POST a signed batch as a node's agent does (`client.call`); return the checked answer."""
    from bmis.sync import signing

    path = "/sync/push"
    headers = {
        "Content-Type": "application/json",
        "X-BMIS-Version": "bench",
        "X-BMIS-Node": node,
        "X-BMIS-Request": str(number),
        "X-BMIS-Time": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        "X-BMIS-Signature": signing.sign(key, signing.message("POST", path, node, number, data)),
    }
    request = urllib.request.Request(url + path, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            content, signature = response.read(), response.headers.get("X-BMIS-Signature", "")
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"HTTP {error.code}: {error.read()[:300]!r}") from None
    text = signing.message("RESPONSE", path, "HQ", number, content)
    if not signing.verify(hq_key, signature, text):
        raise RuntimeError("the answer is not signed by headquarters")
    return json.loads(content)


def week_record(args) -> dict:
    """Part 2, in the post node's environment: record the week's crossings as the counter's
    services write them, a statement a row, so that the node's triggers log each change."""
    setup_django()
    from django.db import transaction
    from tqdm import tqdm

    from bmis.core.models import AuditChainHead, AuditEvent
    from bmis.crossings.models import Crossing
    from bmis.crossings.traffic import large_cache
    from bmis.posts.models import Post
    from bmis.sync.models import Change

    post = Post.objects.get(code=WEEK_POST)
    head = AuditChainHead.objects.get(node=post.code)
    before = Change.objects.count()
    stream = recorded(post, args.week, run=0, chain=(head.seq, head.hash))
    writer = Writer()
    started = time.perf_counter()
    bar = tqdm(total=args.week, desc="recording", unit=" crossings", file=sys.stderr)
    with bar, large_cache():
        for chunk in iter(lambda: list(itertools.islice(stream, 20_000)), []):
            with transaction.atomic():
                for kind, obj in chunk:
                    writer.write(kind, obj)
                    if type(obj) is Crossing:
                        bar.update(1)
                    elif type(obj) is AuditEvent:
                        head.seq, head.hash = obj.seq, obj.hash
                head.save(update_fields=["seq", "hash"])
    return {
        "crossings": Crossing.objects.filter(origin=post.code).count(),
        "changes": Change.objects.count() - before,
        "record_seconds": round(time.perf_counter() - started, 1),
    }


class Writer:
    """Rows written one statement each, their values adapted as Django adapts them."""

    def __init__(self) -> None:
        from django.db import connection

        from bmis.crossings.models import Person

        self.connection, self.tables = connection, {}
        self.key = Person._meta.pk
        self.update = 'UPDATE "crossings_person" SET "last_crossing_id" = %s WHERE "id" = %s'

    def write(self, kind: str, obj) -> None:
        from bmis.crossings.traffic.records import Table

        with self.connection.cursor() as cursor:
            if kind == "update":  # the traveller's derived state, after each crossing
                keys = (obj.last_crossing_id, obj.pk)
                cursor.execute(
                    self.update, [self.key.get_db_prep_value(k, self.connection) for k in keys]
                )
            elif kind == "insert":
                model = type(obj)
                table = self.tables.get(model) or self.tables.setdefault(model, Table(model))
                values = [getattr(obj, field.attname) for field in table.fields]
                params = [
                    value if adapt is None else adapt(value)
                    for value, adapt in zip(values, table.adapters, strict=True)
                ]
                cursor.execute(table.sql, params)


def week_push(args) -> dict:
    """Part 2, in the post node's environment: push the backlog as `manage.py sync` does
    (`agent.push_all`: the next batch made in a thread while the last is on the wire)."""
    setup_django()
    from django.db.models import Max

    from bmis.sync import agent
    from bmis.sync.models import Change, NodeState

    start = NodeState.objects.get().pushed_seq
    waiting = Change.objects.filter(seq__gt=start).count()
    until = Change.objects.aggregate(last=Max("seq"))["last"] or 0
    phases = Phases([
        (f"{INSIDE}batches made at the node (agent.push_batch)", agent, "push_batch"),
        (f"{INSIDE}sent, stored, answered (agent._call)", agent, "_call"),
    ])  # fmt: skip
    profiles = []
    if args.profile:  # the batches are made in a thread: each one's figures, added up after
        read_after = agent._read_after

        def profiled(*a, **k):
            profiles.append(cProfile.Profile())
            return profiles[-1].runcall(read_after, *a, **k)

        agent._read_after = profiled
    with agent.single_agent():
        started = time.perf_counter()
        done = agent.push_all(until)
        seconds = time.perf_counter() - started
    phases.stop()
    if profiles:
        stats = pstats.Stats(profiles[0])
        for profile in profiles[1:]:
            stats.add(profile)
        stats.dump_stats(args.profile)
    return {"push_seconds": round(seconds, 2), "requests": phases.calls.get(
                f"{INSIDE}sent, stored, answered (agent._call)", 0),
            "pushed": done.pushed, "refused": len(done.refused), "waiting_changes": waiting,
            "phases": phases.seconds}  # fmt: skip


def many_posts(args) -> dict:
    """Part 3, in headquarters' environment: enrol --posts nodes, each with its own key, make
    their backlogs, then let them all push at once, each a thread sending its batches in turn."""
    setup_django()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from tqdm import tqdm

    from bmis.accounts.models import User
    from bmis.crossings.models import Crossing
    from bmis.posts.services import counter_create, post_upsert
    from bmis.sync import signing

    nodes = []
    for n in tqdm(range(1, args.posts + 1), desc="enrolling", unit=" posts", file=sys.stderr):
        code = f"B{n:03d}"
        post, _ = post_upsert(actor=None, code=code, name=f"Bench post {n}", kind="land",
                              department="HT-NE", locality="Bench", facing="Dajabón")  # fmt: skip
        for counter in ("1", "2"):
            counter_create(actor=None, post=post, code=counter, name=f"Guichet {counter}")
        # The demo traffic's staff, without a password to hash (a post's staff are not what
        # this measures, and user_create hashes one for each).
        User.objects.bulk_create(
            User(username=f"demo-{role}-{code.lower()}", role=role, post=post,
                 password=make_password(None), first_name="Demo", last_name=f"{role} {code}")
            for role in ("officer", "supervisor")
        )  # fmt: skip
        key = Ed25519PrivateKey.generate()
        enrol(code, key)
        nodes.append((post, key))
    backlogs, crossings = {}, 0
    total = args.posts * args.post_crossings
    with tqdm(total=total, desc="backlogs", unit=" crossings", file=sys.stderr) as bar:
        for n, (post, _key) in enumerate(nodes):
            # Runs of their own: the same seed and run would draw the week's submissions again.
            made, counts = bodies(post, args.post_crossings, run=1000 + n, progress=bar)
            backlogs[post.code] = made
            crossings += counts["crossings"]
    connection.close()
    hq_key = signing.public_pem(signing.own_key())
    batches = sum(len(made) for made in backlogs.values())
    log(f"{len(nodes)} nodes, {batches} batches, {crossings} crossings: all pushing at once")
    gate = threading.Barrier(len(nodes) + 1)
    finished: list[float] = []
    latencies: list[float] = []
    errors: list[str] = []
    bar = tqdm(total=batches, desc="pushing", unit=" batches", file=sys.stderr)

    def node(post, key) -> None:
        gate.wait()
        for number, data in enumerate(backlogs[post.code], start=1):
            begun = time.perf_counter()
            try:
                answer = send(args.url, post.code, key, number, data, hq_key)
            except Exception as exc:
                errors.append(f"{post.code}: {exc}")
                return
            if answer["refused"]:
                errors.append(f"{post.code}: refused {answer['refused'][:1]}")
            latencies.append(time.perf_counter() - begun)
            bar.update(1)
        finished.append(time.perf_counter() - started)

    threads = [threading.Thread(target=node, args=pair) for pair in nodes]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    gate.wait()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    bar.close()
    at_hq = Crossing.objects.filter(origin__in=[post.code for post, _ in nodes]).count()
    return {
        "posts": len(nodes), "crossings": crossings, "batches": batches,
        "seconds": round(seconds, 2), "at_hq": at_hq, "errors": errors[:5],
        "node_seconds": spread(finished, unit=1), "request_ms": spread(latencies),
    }  # fmt: skip


def spread(seconds: list[float], unit: float = 1000) -> dict:
    """Return the count, mean, p50, p95 and max of `seconds`, in milliseconds by default."""
    if not seconds:
        return {}
    ordered = sorted(seconds)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * unit, 1)

    return {"n": len(ordered), "mean": round(statistics.mean(ordered) * unit, 1),
            "p50": at(0.5), "p95": at(0.95), "max": round(ordered[-1] * unit, 1)}  # fmt: skip


WORKERS = {
    "prepare": prepare,
    "ingest": ingest,
    "week-record": week_record,
    "week-push": week_push,
    "posts": many_posts,
}


# --- The report ----------------------------------------------------------------------------------


def verdict(label: str, ok: bool) -> bool:
    print(f"   target {label}: {'met' if ok else 'MISSED'}")
    return not ok


def figures(spread_: dict, unit: str = "ms") -> str:
    if not spread_:
        return "-"
    return (f"mean {spread_['mean']} {unit}, p50 {spread_['p50']}, p95 {spread_['p95']}, "
            f"max {spread_['max']} (n={spread_['n']})")  # fmt: skip


def report(results: dict) -> bool:
    """Print the figures against the targets; return whether one was missed."""
    missed = False
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    print(f"\nSynchronisation on PostgreSQL: {os.cpu_count()} processors, code {commit}")
    ingest = results.get("ingest")
    if ingest:
        rate = ingest["crossings"] / ingest["seconds"]
        copy_rate = ingest["crossings"] / ingest["copy"]["with_triggers"]
        print("\n1. Ingest at headquarters, in process (orjson.loads + services.push_receive)")
        print(
            f"   {ingest['crossings']:,} crossings in {ingest['records']:,} records, "
            f"{ingest['batches']:,} batches ({ingest['megabytes']} MB of JSON): "
            f"{ingest['seconds']} s, {rate:,.0f} crossings/s, "
            f"{ingest['records'] / ingest['seconds']:,.0f} records/s"
        )
        print(f"   a batch: {figures(ingest['batch_ms'])}")
        phases = {**ingest["phases"]}
        outside = sum(spent for name, spent in phases.items() if not name.startswith(INSIDE))
        phases["the rest: the link, audit event, commit"] = ingest["seconds"] - outside
        for name, spent in phases.items():
            print(f"     {name:<54} {spent:>7.2f} s {spent / ingest['seconds']:>5.0%}")
        print(
            f"   COPY of the same {ingest['copy_rows']:,} rows, one transaction: "
            f"{ingest['copy']['with_triggers']} s, {copy_rate:,.0f} crossings/s "
            f"(without the sync triggers: {ingest['copy']['without_triggers']} s)"
        )
        print(f"   ingest / COPY: {rate / copy_rate:.3f}")
        http = ingest["http"]
        if http.get("http_ms") and http.get("in_process_ms"):
            print(f"   a batch through HTTP:        {figures(http['http_ms'])}")
            print(f"   a batch in process:          {figures(http['in_process_ms'])}")
            print(f"   an empty batch through HTTP: {figures(http['empty_http_ms'])}")
            print(f"   an empty batch in process:   {figures(http['empty_in_process_ms'])}")
            batch = http["http_ms"]["mean"] - http["in_process_ms"]["mean"]
            alone = http["empty_http_ms"]["mean"] - http["empty_in_process_ms"]["mean"]
            print(f"   the HTTP and signature layer adds {alone:.1f} ms a request (empty batches); "
                  f"{batch:.1f} ms a batch on average, within the batches' spread")  # fmt: skip
        missed |= verdict(f"ingest >= {TARGET_RATE:,} crossings/s", rate >= TARGET_RATE)
        missed |= verdict("ingest >= 1/3 of COPY's rate", rate >= TARGET_SHARE * copy_rate)
    week = results.get("week")
    if week:
        print(f"\n2. A week offline: post {WEEK_POST}'s node (SQLite) pushes its backlog over HTTP")
        print(
            f"   {week['crossings']:,} crossings, {week['waiting_changes']:,} changes waiting: "
            f"{week['push_seconds']} s in {week['requests']} requests "
            f"({week['push_seconds'] / week['requests'] * 1000:.0f} ms each), "
            f"{week['pushed']:,} records stored, {week['refused']} refused"
        )
        for name, spent in week["phases"].items():
            print(f"     {name:<54} {spent:>7.2f} s {spent / week['push_seconds']:>5.0%}")
        print(f"   at headquarters: {week['at_hq']['crossings']:,} crossings of {WEEK_POST}, "
              f"its audit chain up to #{week['at_hq']['chain_head']}")  # fmt: skip
        print(f"   then `manage.py sync` again: {week['sync_seconds']} s ({week['sync_said']})")
        whole = week["at_hq"]["crossings"] == week["crossings"]
        ok = week["push_seconds"] < TARGET_WEEK and whole
        missed |= verdict(f"the week's backlog in under {TARGET_WEEK:.0f} s", ok)
    posts = results.get("posts")
    if posts:
        print(f"\n3. {posts['posts']} posts syncing at once against one headquarters server")
        print(
            "   (simulated nodes: threads of one process, each with its own key, sending the "
            "signed batches its agent would make; not that many SQLite nodes)"
        )
        print(
            f"   {posts['crossings']:,} crossings in {posts['batches']:,} batches, all "
            f"acknowledged in {posts['seconds']} s ({posts['crossings'] / posts['seconds']:,.0f} "
            f"crossings/s); {posts['at_hq']:,} at headquarters"
        )
        print(f"   a node's catch-up: {figures(posts['node_seconds'], 's')}")
        print(f"   a request: {figures(posts['request_ms'])}")
        if posts["errors"]:
            print(f"   errors: {posts['errors']}")
            missed = True
    return missed


if __name__ == "__main__":
    main()
