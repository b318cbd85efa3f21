"""Synthetic traffic: a year of crossings at Haiti's posts, for demonstrations and benchmarks.

`generate` makes travellers of many nationalities and naming cultures, each with a document (a
passport's TD3 zone mostly, some TD1 identity cards, built by `domain.mrz.build` and read back by
`reading.from_mrz` as a counter reads them; Dominican residents of the border zone show a border
card typed by hand), and their entries and exits over the 365 days ending at `end`: airports
busiest on weekend afternoons and in July, August and December, land posts on their market days
(Monday and Friday at Ouanaminthe), few crossings by sea. Stays have realistic lengths (weeks for
Haitians living abroad, days to three months for visitors, the same day for border card
holders); a few percent of visitors overstay, some travellers are still in the country, a few
are refused with a reason, and some are referred to secondary inspection and completed there by
a supervisor.

It writes in bulk and does not call `services.crossing_record`: the service inspects, matches and
audits one crossing at a time (a dozen queries each), which would take hours for a million
crossings, where bulk inserts of one batch per transaction take minutes. So it sets itself what
the service derives, the same way: each admitted entry's stay rule and permitted date (the
semantics of `stays.choose_rule`, with the active rules read once), each admitted exit's length
of stay and overstay, and each traveller's derived fields (`present`, `present_since`,
`permitted_until`, `stay_rule`, `entry_post`, `last_crossing`) and data-quality cases, from
`stays.matching` run on the traveller's crossings before they are written. Crossings are
recorded as they happen (`created_at` is the time of crossing) and carry no check results, since
no officer saw them. Instead of one audit event per crossing, one event,
`demo.traffic_generated`, summarises each run.

Records carry the post they happened at as their `origin`, as synchronisation would bring them.
Ids are UUIDv7 minted with the record's own time and random bits from the seeded generator, and
submissions UUIDv4 from it too, so that the same seed, `end` and database give the same traffic,
ids included. A run draws from its seed and the number of earlier runs: running again adds
different traffic.

It needs the reference data (`load_reference`). It opens the counters it uses
(`posts.services.counter_create`), loads the default stay rules if there are none, and creates at
each post an officer and a supervisor to record the crossings (`accounts.services.user_create`):
`demo-officer-pap`, `demo-supervisor-pap`, … They are active accounts, since `user_create` makes
no other kind, but their passwords are random and never shown (and must be changed at the first
sign-in): an administrator who wants to sign in as one resets it.

Modules: data (the tables drawn from), journeys (travellers and their crossings in time),
records (rows, what the services would derive, the inserts).
"""

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from bmis.accounts.models import User
from bmis.accounts.roles import Role
from bmis.accounts.services import user_create
from bmis.core import audit
from bmis.core.models import AuditEvent
from bmis.crossings.defaults import stay_rules_load
from bmis.crossings.models import Crossing, Person, Shift, StayRule, TravelDocument
from bmis.crossings.traffic.data import COUNTERS, POSTS
from bmis.crossings.traffic.records import Records, write
from bmis.posts.models import Counter, Post
from bmis.posts.services import counter_create
from bmis.reference.models import Country, RefusalReason, TravelPurpose

AUDIT_ACTION = "demo.traffic_generated"
BATCH = 20_000  # crossings per transaction


class TrafficError(Exception):
    """The database is not ready for traffic: the reference data is missing."""


@dataclass
class Summary:
    seed: int
    run: int
    crossings: int = 0
    persons: int = 0
    shifts: int = 0
    cases: int = 0
    first_day: date | None = None
    last_day: date | None = None
    seconds: float = 0.0
    counters_created: int = 0
    users_created: int = 0


# --- Preparing the database ----------------------------------------------------------------------


def check_reference() -> None:
    """Raise TrafficError unless the reference data and the posts are loaded."""
    wanted = {code for weights in POSTS.values() for code in weights}
    found = set(Post.objects.filter(code__in=wanted).values_list("code", flat=True))
    if (
        wanted - found
        or not Country.objects.exists()
        or not RefusalReason.objects.filter(is_active=True).exists()
        or not TravelPurpose.objects.filter(is_active=True).exists()
    ):
        raise TrafficError(
            "The reference data or the border posts are missing: run "
            "`python manage.py load_reference` first."
        )


def traffic_posts() -> dict[str, Post]:
    """Return the open posts that traffic goes through; raise TrafficError if none is open."""
    codes = {code for weights in POSTS.values() for code in weights}
    posts = {post.code: post for post in Post.objects.filter(code__in=codes, is_active=True)}
    if not posts:
        raise TrafficError("Every border post is closed: there is nowhere to cross.")
    return posts


def prepare(posts: dict[str, Post]) -> tuple[int, int]:
    """Load the default stay rules if there are none; open counters and create staff.

    Return the numbers of counters and users created.
    """
    if not StayRule.objects.exists():
        stay_rules_load(actor=None)
    counters = users = 0
    for code, post in posts.items():
        existing = set(Counter.objects.filter(post=post).values_list("code", flat=True))
        for counter_code, name, _direction in COUNTERS.get(code) or COUNTERS[post.kind]:
            if counter_code not in existing:
                counter_create(actor=None, post=post, code=counter_code, name=name)
                counters += 1
        for role, title in ((Role.OFFICER, "Officer"), (Role.SUPERVISOR, "Supervisor")):
            username = f"demo-{title.lower()}-{code.lower()}"
            if not User.objects.filter(username=username).exists():
                user_create(
                    actor=None,
                    username=username,
                    password=secrets.token_urlsafe(32),  # never shown: reset it to sign in
                    role=role,
                    post=post,
                    first_name="Demo",
                    last_name=f"{title} {code}",
                )
                users += 1
    return counters, users


@contextmanager
def large_cache() -> Iterator[None]:
    """Give SQLite a page cache of 256 MB while writing, then the one it had.

    The indexes of a million crossings (ids, submissions, travellers) outgrow SQLite's default
    2 MB cache, and every insert then reads pages back from disk.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def analyze() -> None:
    """Refresh PostgreSQL's statistics of the tables written, as a bulk load leaves them stale.

    SQLite plans these queries from its indexes alone; it keeps no statistics until asked.
    """
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (Person, TravelDocument, Shift, Crossing)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def generate(
    *,
    crossings: int,
    seed: int,
    end: datetime | None = None,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Add `crossings` crossings of synthetic traffic over the year ending at `end` (now).

    Raise TrafficError if the reference data is missing. `progress` is called with the number
    of crossings written after each batch.
    """
    started = time.monotonic()
    check_reference()
    posts = traffic_posts()
    counters, users = prepare(posts)
    run = AuditEvent.objects.filter(action=AUDIT_ACTION).count()
    generator = Records(posts=posts, seed=seed, run=run, end=end or timezone.now())
    summary = Summary(seed=seed, run=run, counters_created=counters, users_created=users)
    summary.first_day, summary.last_day = generator.first_day, generator.today
    with large_cache():
        while summary.crossings < crossings:
            batch = generator.batch(min(batch_size, crossings - summary.crossings))
            write(batch)
            summary.crossings += len(batch.crossings)
            summary.persons += len(batch.persons)
            summary.shifts += len(batch.shifts)
            summary.cases += len(batch.cases)
            if progress is not None:
                progress(summary.crossings)
    analyze()
    summary.seconds = round(time.monotonic() - started, 1)
    with transaction.atomic():
        audit.record(
            actor=None,
            action=AUDIT_ACTION,
            details={
                "seed": seed,
                "run": run,
                "crossings": summary.crossings,
                "travellers": summary.persons,
                "shifts": summary.shifts,
                "cases": summary.cases,
                "from": summary.first_day,
                "to": summary.last_day,
                "seconds": summary.seconds,
            },
        )
    return summary
