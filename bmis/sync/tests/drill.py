"""The fault drill: headquarters and two posts as real processes, and faults injected at random.

Headquarters runs on PostgreSQL behind its real server; OUA and MAL run on SQLite (MAL's clock
five hours ahead); between them, a link of the drill's own (`proxy.FaultyLink`). Counters record
crossings all along; the sync agent runs as `manage.py sync`. Faults, drawn at random: an agent
killed (SIGKILL) part-way, headquarters' server killed part-way, a counter's power cut, a request
lost, an answer lost or cut, a request duplicated or delayed behind a newer one, a post offline
for seconds; headquarters changes a list now and then. Then every post syncs until nothing
moves, and the drill counts, table by table, the records each post was born with against those
headquarters holds: lost (at the post, not at headquarters) and duplicated (a crossing stored
twice: two rows for one submission, or more rows than the post has).

Given a week's traffic, the fault half-way is a post offline for a simulated week. A post cut
off for a week keeps a right clock while real days pass, as does the rest of the network: every
node, headquarters' server included, runs on one `skewed.SharedClock`, moved on a day at a time.
Moving the post's clock alone would simulate a wrong clock (headquarters would see days of
offset), and setting it back after the week would date the week before the crossings that
follow: the drill's time never goes back, it ends a week ahead of the machine's. Each day the
post's requests go nowhere (`FaultyLink.offline`) as it tries to sync, the other post syncs,
the post's counter works on, and an officer admits the day's arrivals at desk A2 and, at D1,
departures of travellers who came one to three days before (stays across the days offline).
Then the link returns and the post syncs: that sync's time is the catch-up. A real week is about
35,000 crossings; the drill's are fewer, to keep its time reasonable (the callers say how many);
catching up with a real week's backlog is measured by `bench/sync.py`.

`bench/sync_drill.py` runs it with at least 100 faults; `test_drill.py` with fewer.
"""

import os
import random
import signal
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bmis.sync.tests.nodes import Headquarters, PostNode, converge
from bmis.sync.tests.proxy import FaultyLink
from bmis.sync.tests.skewed import SharedClock

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
for code, name in (("A1", "Arrivals 1"), ("A2", "Arrivals 2"), ("D1", "Departures 1")):
    counter_create(actor=None, post=post, code=code, name=name)
for name in ("officer", "week"):  # the counter's officer, and the offline week's
    user_create(actor=None, username=f"{name}_{CODE.lower()}", role="officer", post=post,
                password="a-long-test-passphrase", first_name=name.title(), last_name=CODE,
                must_change_password=False)
"""

# Before COUNTER and WEEK_DAY: a crossing, admitted, of the holder of passport `number`.
CROSS = """
import random, time, uuid
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
purpose = TravelPurpose.objects.first()
def cross(officer, shift, number, state):
    given = "".join(chr(65 + int(c)) for c in number if c.isdigit())  # MRZ names have no digits
    lines = build(format="TD3", document_code="P", issuing_state=state, surname="TRAVELLER",
                  given_names=given, document_number=number, nationality=state,
                  birth_date=date(1980, 1, 1), sex="F", expiry_date=date(2031, 1, 1))
    crossing_record(officer=officer, shift=shift, submission=uuid.uuid4(),
                    reading=from_mrz("\\n".join(lines), today=timezone.localdate()),
                    details=Details(mode="land", purpose=purpose), decision="admitted")
"""

# A counter at work: a crossing every few tens of milliseconds, until it is stopped or killed.
COUNTER = """
officer = User.objects.get(username=f"officer_{CODE.lower()}")
shift = Shift.objects.filter(officer=officer, closed_at=None).first() or shift_open(
    officer=officer, counter=Counter.objects.get(code="A1", post__code=CODE),
    direction="entry")
rng = random.Random()
for _ in range(LIMIT):
    cross(officer, shift, f"{CODE[0]}{rng.randrange(10**8):08d}", "HTI")
    time.sleep(PAUSE)
"""

# A day of the offline week: foreigners' arrivals at A2, then, at D1, earlier days' departures.
WEEK_DAY = """
officer = User.objects.get(username=f"week_{CODE.lower()}")
for direction, desk, numbers in (("entry", "A2", ARRIVING), ("exit", "D1", LEAVING)):
    shift = shift_open(officer=officer, direction=direction,
                       counter=Counter.objects.get(code=desk, post__code=CODE))
    for number in numbers:
        cross(officer, shift, number, "UTO")
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
class Week:
    """What a post's simulated week offline showed."""

    post: str
    prefix: str  # of the document numbers of the week's travellers
    crossings: int = 0  # recorded at the post while it was offline, its counter's included
    planned: int = 0  # of which the week's arrivals and departures
    attempts: int = 0  # the post's syncs while offline,
    failed: int = 0  # those that failed (all, as they must),
    reached_hq: int = 0  # and its crossings headquarters received meanwhile (none)
    catch_up: float = 0.0  # seconds of the first sync once back, and what it said:
    caught_up: str = ""
    seconds: float = 0.0  # of real time the week took
    stays: int = 0  # at headquarters: departures of that week after a day or more,
    days: int = 0  # and the days its crossings are dated


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
    weeks: list = field(default_factory=list)
    clock_days: float = 0.0  # how far the drill's clock ended ahead of the machine's
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
            and all(week.failed == week.attempts and not week.reached_hq for week in self.weeks)
        )


def week_plan(crossings: int, days: int = 7) -> list[tuple[list[int], list[int]]]:
    """Return each day's (arriving, leaving) travellers: `crossings` crossings, as many each
    day; every other traveller leaves one to three days after arriving (if within the week)."""
    leaving, plan, arrived = defaultdict(list), [], 0
    for day in range(days):
        out = leaving.pop(day, [])
        today = crossings * (day + 1) // days - crossings * day // days - len(out)
        coming, arrived = list(range(arrived, arrived + max(0, today))), arrived + max(0, today)
        for traveller in coming[::2]:
            leaving[day + 1 + traveller // 2 % 3].append(traveller)
        plan.append((coming, out))
    return plan


class Drill:
    def __init__(self, folder: Path, *, seed: int = 2026, pause: float = 0.05) -> None:
        self.rng = random.Random(seed)
        self.pause = pause
        self.clock = SharedClock(folder / "clock")
        self.hq = Headquarters(folder / "hq")
        self.clock.put_on(self.hq)
        self.hq.start()
        self.link = FaultyLink(self.hq.port)
        self.posts: dict[str, PostNode] = {}
        self.counters: dict[str, object] = {}
        for code, offset in (("OUA", 0), ("MAL", 5 * 3600)):
            enrolment = self.hq.enrolment_code(code)
            self.hq.python(f"CODE = {code!r}\n" + STAFF)
            post = PostNode(folder / code.lower(), code, clock_offset=offset)
            self.clock.put_on(post)
            post.manage("node_enrol", "--hq", self.link.url, "--code", enrolment)
            self.posts[code] = post
            self.counters[code] = self._counter(post)

    def _counter(self, post: PostNode):
        code = f"CODE = {post.code!r}\nLIMIT = 100000\nPAUSE = {self.pause}\n" + CROSS + COUNTER
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

    def offline_week(self, post: PostNode, crossings: int, number: int = 0) -> Week:
        """Cut `post` off for seven simulated days of `crossings` crossings, then reconnect it."""
        # TD3 document numbers have nine characters: W, the week's number, the post's initial.
        week = Week(post.code, prefix=f"W{number}{post.code[0]}")
        mine = "SELECT count(*) FROM crossings_crossing WHERE origin = %s"
        at_hq, before = self.hq.query(mine, post.code)[0][0], _crossings(post)
        self.link.offline.add(post.code)
        started = time.monotonic()
        for day, travellers in enumerate(week_plan(crossings)):
            self.clock.advance(86400)
            if day == 3:
                self.hq.python(LIST_CHANGE)
            arriving, leaving = ([f"{week.prefix}{t:06d}" for t in group] for group in travellers)
            values = f"CODE = {post.code!r}\nARRIVING = {arriving}\nLEAVING = {leaving}\n"
            week.planned += len(arriving) + len(leaving)
            # The day's traffic, the post's sync attempt and the others' syncs, side by side.
            jobs = [post.spawn("shell", "-c", values + CROSS + WEEK_DAY), post.spawn("sync")]
            jobs += [other.spawn("sync") for other in self.posts.values() if other is not post]
            traffic, attempt, *_ = [job.wait(timeout=3600) for job in jobs]
            if traffic:
                raise AssertionError(f"the week's traffic failed: see {post.folder}/processes.log")
            week.attempts, week.failed = week.attempts + 1, week.failed + (attempt != 0)
        week.crossings = _crossings(post) - before
        week.reached_hq = self.hq.query(mine, post.code)[0][0] - at_hq
        self.link.offline.discard(post.code)
        week.seconds, started = time.monotonic() - started, time.monotonic()
        week.caught_up = post.manage("sync", check=False).stdout.strip()
        week.catch_up = time.monotonic() - started
        return week

    def run(self, faults: int, *, week: int = 0) -> Result:
        """Inject `faults` faults; given `week` crossings, the half-way one is a week offline."""
        result = Result()
        started = time.monotonic()
        while (done := sum(result.faults.values())) < faults:
            fault = self.rng.choice(FAULTS)
            post = self.posts[self.rng.choice(sorted(self.posts))]
            if week and done == faults // 2:
                fault = "offline_week"
                result.weeks.append(self.offline_week(post, week, len(result.weeks)))
            else:
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
        result.clock_days = self.clock.offset / 86400
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
        for week in result.weeks:
            week.stays, week.days = self.hq.query(
                "SELECT count(*) FILTER (WHERE c.direction = 'exit' AND c.stay_days >= 1),"
                " count(DISTINCT c.at::date) FROM crossings_crossing c JOIN"
                " crossings_traveldocument d ON d.id = c.document_id WHERE d.number LIKE %s",
                week.prefix + "%",
            )[0]
        result.lists = set(self.hq.query("SELECT code, version FROM watchlist_watchlist"))
        result.clock_offsets = dict(
            self.hq.query(
                "SELECT p.code, n.clock_offset FROM sync_nodelink n "
                "JOIN posts_post p ON p.id = n.post_id"
            )
        )


def _crossings(post: PostNode) -> int:
    return post.query("SELECT count(*) FROM crossings_crossing")[0][0]


def _kill(process) -> None:
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
    for week in result.weeks:
        lines.append(f"week offline ({week.post}, 7 simulated days in {week.seconds:.0f} s):"
                     f" {week.crossings} crossings recorded ({week.planned} arrivals and"
                     f" departures, the rest its counter's); {week.failed} of {week.attempts}"
                     f" syncs failed, {week.reached_hq} crossings got through; caught up in"
                     f" {week.catch_up:.1f} s ({week.caught_up}); at headquarters, {week.stays}"
                     f" exits after stays of 1+ days, crossings on {week.days} dates")  # fmt: skip
    lines.append(f"drill's clock at the end: {result.clock_days:+.0f} days on the machine's")
    chains = sorted(result.chains.items())
    states = ", ".join(f"{node} {'intact' if ok else 'BROKEN'}" for node, ok in chains)
    lines.append(f"audit chains: {states}")
    lines.append(f"time: {result.seconds:.0f} s")
    return "\n".join(lines)
