"""The fault drill: headquarters and two posts as real processes, and faults injected at random.

Headquarters runs on PostgreSQL behind its real server; OUA and MAL run on SQLite (MAL's clock
five hours ahead); between them, a link of the drill's own (`proxy.FaultyLink`). Counters record
crossings all along; the sync agent runs as `manage.py sync`. Faults, drawn at random: an agent
killed (SIGKILL) part-way, headquarters' server killed part-way, a counter's power cut, a request
lost, an answer lost or cut, a request duplicated or delayed behind a newer one, a post offline
for a while; headquarters changes a list from time to time. Then the faults stop, every post
syncs until nothing moves, and the drill counts, table by table, the records each post was born
with against those headquarters holds: lost (at the post, not at headquarters) and duplicated
(a crossing stored twice: two rows for one submission, or more rows than the post has).

`bench/sync_drill.py` runs it with at least 100 faults; `test_drill.py` with fewer.
"""

import random
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bmis.sync.tests.nodes import Headquarters, PostNode, converge
from bmis.sync.tests.proxy import FaultyLink

LINK_FAULTS = ["down", "drop_request", "drop_response", "cut_response", "duplicate", "delay"]
FAULTS = [*LINK_FAULTS, "kill_agent", "kill_agent", "kill_hq", "power_cut", "offline"]
PUSHED_TABLES = [
    "crossings_person",
    "crossings_traveldocument",
    "crossings_shift",
    "crossings_crossing",
    "core_auditevent",
]

STAFF = """
from bmis.accounts.services import user_create
from bmis.posts.models import Post
from bmis.posts.services import counter_create
post = Post.objects.get(code=CODE)
counter_create(actor=None, post=post, code="A1", name="Arrivals 1")
user_create(actor=None, username=f"officer_{CODE.lower()}", password="a-long-test-passphrase",
            role="officer", post=post, first_name="Officer", last_name=CODE,
            must_change_password=False)
"""

# A counter at work: a crossing every few tens of milliseconds, until it is stopped or killed.
COUNTER = """
import itertools, random, time, uuid
from datetime import date
from django.utils import timezone
from bmis.accounts.models import User
from bmis.crossings.models import Shift
from bmis.crossings.reading import from_mrz
from bmis.crossings.services import crossing_record, shift_open
from bmis.crossings.services.crossings import Details
from bmis.posts.models import Counter
from bmis.reference.models import TravelPurpose
from domain.mrz import build
officer = User.objects.get(username=f"officer_{CODE.lower()}")
shift = Shift.objects.filter(officer=officer, closed_at=None).first() or shift_open(
    officer=officer, counter=Counter.objects.get(code="A1", post__code=CODE),
    direction="entry")
purpose = TravelPurpose.objects.first()
rng = random.Random()
for _ in range(LIMIT):
    number = f"{CODE[0]}{rng.randrange(10**8):08d}"
    given = "".join(chr(65 + int(digit)) for digit in number[1:])  # MRZ names have no digits
    lines = build(format="TD3", document_code="P", issuing_state="HTI", surname="TRAVELLER",
                  given_names=given, document_number=number, nationality="HTI",
                  birth_date=date(1980, 1, 1), sex="F", expiry_date=date(2031, 1, 1))
    crossing_record(officer=officer, shift=shift, submission=uuid.uuid4(),
                    reading=from_mrz("\\n".join(lines), today=timezone.localdate()),
                    details=Details(mode="land", purpose=purpose), decision="admitted")
    time.sleep(PAUSE)
"""

LIST_CHANGE = """
from bmis.watchlist.models import Action, DocumentStatus, Kind, WatchList
from bmis.watchlist.services import document_entry, entry_save, watchlist_save
wl = WatchList.objects.filter(code="SLTD-DRILL").first() or watchlist_save(
    actor=None, code="SLTD-DRILL", name="Lost and stolen (drill)", kind=Kind.DOCUMENTS,
    owner="HQ", action=Action.SEIZE, priority="normal")
entry_save(actor=None, watchlist=wl, entry=document_entry(
    source_ref="", number=f"ZZ{WatchList.objects.get(pk=wl.pk).version:07d}",
    issuing_state="HTI", status=DocumentStatus.STOLEN))
"""


@dataclass
class Result:
    faults: Counter = field(default_factory=Counter)
    lost: dict = field(default_factory=dict)
    duplicated: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)
    lists_behind: list = field(default_factory=list)
    chains: dict = field(default_factory=dict)
    lists: set = field(default_factory=set)  # headquarters' (code, version) at the end
    clock_offsets: dict = field(default_factory=dict)  # as headquarters measured them
    seconds: float = 0.0

    @property
    def total_lost(self) -> int:
        return sum(self.lost.values())

    @property
    def total_duplicated(self) -> int:
        return sum(self.duplicated.values())

    @property
    def converged(self) -> bool:
        return (
            not self.total_lost
            and not self.total_duplicated
            and not self.lists_behind
            and all(self.chains.values())
        )


class Drill:
    def __init__(self, folder: Path, *, seed: int = 2026, pause: float = 0.05) -> None:
        self.rng = random.Random(seed)
        self.pause = pause
        self.hq = Headquarters(folder / "hq")
        self.hq.start()
        self.link = FaultyLink(self.hq.port)
        self.posts: dict[str, PostNode] = {}
        self.counters: dict[str, object] = {}
        for code, offset in (("OUA", 0), ("MAL", 5 * 3600)):
            enrolment = self.hq.enrolment_code(code)
            self.hq.python(f"CODE = {code!r}\n" + STAFF)
            post = PostNode(folder / code.lower(), code, clock_offset=offset)
            post.manage("node_enrol", "--hq", self.link.url, "--code", enrolment)
            self.posts[code] = post
            self.counters[code] = self._counter(post)

    def _counter(self, post: PostNode):
        code = f"CODE = {post.code!r}\nLIMIT = 100000\nPAUSE = {self.pause}\n" + COUNTER
        return post.spawn("shell", "-c", code)

    def close(self) -> None:
        for process in self.counters.values():
            _kill(process)
        self.link.close()
        self.hq.drop()

    # Faults

    def inject(self, fault: str, post: PostNode) -> None:
        rng = self.rng
        if fault in LINK_FAULTS:
            self.link.plan.append(fault)
            post.manage("sync", check=False)
        elif fault == "kill_agent":
            agent = post.spawn("sync")
            time.sleep(rng.uniform(0.6, 2.5))
            _kill(agent)
        elif fault == "kill_hq":
            agent = post.spawn("sync")
            time.sleep(rng.uniform(0.6, 2.0))
            self.hq.stop()
            agent.wait(timeout=300)
            self.hq.start()
        elif fault == "power_cut":
            _kill(self.counters[post.code])
            self.counters[post.code] = self._counter(post)
        elif fault == "offline":  # no sync while the counter works on
            time.sleep(rng.uniform(2, 6))

    def run(self, faults: int) -> Result:
        result = Result()
        started = time.monotonic()
        while sum(result.faults.values()) < faults:
            fault = self.rng.choice(FAULTS)
            post = self.posts[self.rng.choice(sorted(self.posts))]
            self.inject(fault, post)
            result.faults[fault] += 1
            if self.rng.random() < 0.15:
                self.hq.python(LIST_CHANGE)
            if self.rng.random() < 0.3:
                post.manage("sync", check=False)
        for process in self.counters.values():
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        self.link.plan.clear()
        self.converge()
        result.seconds = time.monotonic() - started
        self.count(result)
        return result

    def converge(self) -> None:
        converge(list(self.posts.values()))

    # What holds after the faults

    def count(self, result: Result) -> None:
        for code, post in self.posts.items():
            for table in PUSHED_TABLES:
                here = {r[0] for r in post.query(f"SELECT id FROM {table} WHERE origin = ?", code)}
                there = self.hq.query(f"SELECT id::text FROM {table} WHERE origin = %s", code)
                there_ids = [r[0].replace("-", "") for r in there]
                result.records[(code, table)] = len(here)
                result.lost[(code, table)] = len(here - set(there_ids))
                result.duplicated[(code, table)] = len(there_ids) - len(set(there_ids) & here)
            twice = self.hq.query(
                "SELECT count(*) FROM (SELECT submission FROM crossings_crossing WHERE origin = %s"
                " GROUP BY submission HAVING count(*) > 1) AS d",
                code,
            )[0][0]
            result.duplicated[(code, "crossing submissions")] = twice
            lists = set(post.query("SELECT code, version FROM watchlist_watchlist"))
            wanted = set(self.hq.query("SELECT code, version FROM watchlist_watchlist"))
            if lists != wanted:
                result.lists_behind.append(code)
            result.chains[code] = "intact" in post.manage("audit_verify", check=False).stdout
        result.chains["HQ"] = "intact" in self.hq.manage("audit_verify", check=False).stdout
        result.lists = set(self.hq.query("SELECT code, version FROM watchlist_watchlist"))
        result.clock_offsets = dict(
            self.hq.query(
                "SELECT p.code, n.clock_offset FROM sync_nodelink n "
                "JOIN posts_post p ON p.id = n.post_id"
            )
        )


def _kill(process) -> None:
    import os

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def report(result: Result) -> str:
    lines = [f"faults injected: {sum(result.faults.values())} ("
             + ", ".join(f"{k} {v}" for k, v in sorted(result.faults.items())) + ")"]  # fmt: skip
    for (code, table), count in sorted(result.records.items()):
        lines.append(
            f"  {code} {table}: {count} at the post, lost {result.lost[(code, table)]}, "
            f"duplicated {result.duplicated[(code, table)]}"
        )
    lines.append(f"records lost: {result.total_lost}")
    lines.append(f"records duplicated: {result.total_duplicated}")
    held = ", ".join(f"{code} v{version}" for code, version in sorted(result.lists))
    lines.append(f"lists at headquarters: {held or 'none'}; posts behind: "
                 f"{result.lists_behind or 'none'}")  # fmt: skip
    offsets = ", ".join(
        f"{code} {offset:+.0f} s" for code, offset in sorted(result.clock_offsets.items())
    )
    lines.append(f"clock offsets seen by headquarters: {offsets}")
    chains = sorted(result.chains.items())
    states = ", ".join(f"{node} {'intact' if ok else 'BROKEN'}" for node, ok in chains)
    lines.append(f"audit chains: {states}")
    lines.append(f"time: {result.seconds:.0f} s")
    return "\n".join(lines)
