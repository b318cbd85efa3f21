"""Every dashboard figure equals the same figure computed from the raw crossings, after a random
mix of live crossings, late ones (a post's batch pushed after the figures were made) and
supervisors' corrections and withdrawals."""

import random
import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from bmis.crossings.models import (
    Crossing,
    Decision,
    Direction,
    Person,
    StayCase,
    TravelDocument,
)
from bmis.crossings.services.supervision import crossing_correct
from bmis.crossings.traffic import generate
from bmis.posts.models import Post
from bmis.reference.services import reference_load
from bmis.stats import aggregate, queries
from bmis.stats.models import BASE, FLOWS, SHAPES
from bmis.stats.queries import BREAKDOWNS, GRAINS, Filters
from bmis.sync import records, signing
from bmis.sync.models import NodeLink
from bmis.sync.services import push
from bmis.sync.tests.conftest import settled
from conftest import make_user

# Committed: on PostgreSQL the change log is read only below the oldest running transaction.
pytestmark = pytest.mark.django_db(transaction=True)
HAITI = ZoneInfo("America/Port-au-Prince")
END = datetime(2025, 9, 30, 16, 45, tzinfo=HAITI)


def age_of(birth, day):
    if birth is None or birth > day:
        return ""
    years = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    for code, low, high in (("0-14", 0, 14), ("15-24", 15, 24), ("25-44", 25, 44),
                            ("45-64", 45, 64), ("65+", 65, 200)):  # fmt: skip
        if low <= years <= high:
            return code
    return ""


def overstay_of(days):
    for code, low, high in (("1-30", 1, 30), ("31-90", 31, 90), ("91-180", 91, 180),
                            ("181-365", 181, 365), ("366+", 366, 10**9)):  # fmt: skip
        if days and low <= days <= high:
            return code
    return ""


def raw() -> list[dict]:
    """The crossings in force, each with the values of every dimension: from the records alone."""
    corrected = set(Crossing.objects.exclude(corrects=None).values_list("corrects_id", flat=True))
    rows = []
    for crossing in Crossing.objects.select_related("person", "post"):
        if crossing.void or crossing.pk in corrected:
            continue
        day = crossing.at.astimezone(HAITI).date()
        rows.append({
            "day": day, "post": crossing.post.code, "post_kind": crossing.post.kind,
            "direction": crossing.direction, "decision": crossing.decision,
            "nationality": crossing.person.nationality, "sex": crossing.person.sex,
            "age": age_of(crossing.person.birth_date, day), "purpose": crossing.purpose_id or "",
            "mode": crossing.mode, "carrier": crossing.carrier,
            "refusal": crossing.refusal_reason_id or "",
            "overstay": overstay_of(crossing.overstay_days),
        })  # fmt: skip
    return rows


def kept(rows: list[dict], filters: Filters) -> list[dict]:
    chosen = filters.chosen()
    return [
        row
        for row in rows
        if filters.start <= row["day"] <= filters.end
        and all(row[name] in values for name, values in chosen.items())
    ]


def expected_totals(rows):
    entries = sum(row["direction"] == Direction.ENTRY for row in rows)
    exits = sum(row["direction"] == Direction.EXIT for row in rows)
    return {"entries": entries, "exits": exits, "net": entries - exits, "crossings": len(rows),
            "refused": sum(row["decision"] == Decision.REFUSED for row in rows),
            "referred": sum(row["decision"] == Decision.REFERRED for row in rows)}  # fmt: skip


def expected_breakdown(rows, by):
    found = {}
    for row in rows:
        figures = found.setdefault(row[by], Counter())
        figures["crossings"] += 1
        figures["entries" if row["direction"] == Direction.ENTRY else "exits"] += 1
    return {value: (f["entries"], f["exits"], f["crossings"]) for value, f in found.items()}


def expected_series(rows, filters, grain):
    starts = queries.periods(filters, grain)
    found = {start: [0, 0] for start in starts}
    for row in rows:
        start = max(s for s in starts if s <= row["day"])
        found[start][0 if row["direction"] == Direction.ENTRY else 1] += 1
    return [(start, *figures) for start, figures in found.items()]


def check(filters: Filters) -> None:
    rows = kept(raw(), filters)
    assert {k: v for k, v in queries.totals(filters).items()} == expected_totals(rows), filters
    for by in BREAKDOWNS:
        got = {
            row["value"]: (row["entries"], row["exits"], row["crossings"])
            for row in queries.breakdown(filters, by)
        }
        assert got == expected_breakdown(rows, by), (filters, by)
    for grain in GRAINS:
        got = [
            (row["period"], row["entries"], row["exits"]) for row in queries.series(filters, grain)
        ]
        assert got == expected_series(rows, filters, grain), (filters, grain)


def some_filters(rng: random.Random) -> list[Filters]:
    """Whole year, whole months, periods that cut months, and filters on every dimension."""
    rows = raw()
    whole = Filters(start=date(2024, 10, 1), end=date(2025, 9, 30))
    chosen = [
        whole,
        Filters(start=date(2025, 7, 1), end=date(2025, 8, 31)),
        Filters(start=date(2025, 6, 17), end=date(2025, 9, 3)),
        Filters(start=date(2025, 9, 2), end=date(2025, 9, 29)),
        Filters(start=date(2025, 9, 30), end=date(2025, 9, 30)),
    ]
    for name in BREAKDOWNS:
        values = sorted({row[name] for row in rows})
        picked = tuple(rng.sample(values, min(len(values), rng.randint(1, 2))))
        chosen.append(rng.choice(chosen[:4]).narrowed(**{name: picked}))
    one_post = rng.choice(sorted({row["post"] for row in rows}))
    nationality = rng.choice(sorted({row["nationality"] for row in rows}))
    chosen.append(whole.narrowed(post=(one_post,), nationality=(nationality,)))
    chosen.append(whole.narrowed(nationality=("ZZZ",)))  # nothing: every figure is 0
    return chosen


def correct_some(rng: random.Random, count: int) -> None:
    """Supervisors correct or withdraw some crossings in force (some of them corrections)."""
    corrected = set(Crossing.objects.exclude(corrects=None).values_list("corrects_id", flat=True))
    candidates = [
        c for c in Crossing.objects.filter(void=False).select_related("post")
        if c.pk not in corrected
    ]  # fmt: skip
    for original in rng.sample(candidates, count):
        supervisor = _supervisor(original.post)
        change = rng.choice(["void", "direction", "decision", "at"])
        kwargs = {"void": True} if change == "void" else {}
        if change == "direction":
            other = Direction.EXIT if original.direction == Direction.ENTRY else Direction.ENTRY
            kwargs["direction"] = other
        elif change == "decision":
            kwargs["decision"] = Decision.REFERRED
        elif change == "at":
            kwargs["at"] = original.at - timedelta(days=rng.randint(1, 40))
        crossing_correct(actor=supervisor, original=original, submission=uuid.uuid4(),
                         reason=f"test: {change}", **kwargs)  # fmt: skip


_supervisors: dict = {}


def _supervisor(post: Post):
    if post.pk not in _supervisors:
        _supervisors[post.pk] = make_user(f"sup-{post.code.lower()}", "supervisor", post)
    return _supervisors[post.pk]


def late_batch():
    """A post's newest travellers, whole, as headquarters has not received them yet: their
    records, removed from the database (to be pushed later)."""
    busiest = Crossing.objects.values("post").annotate(n=Count("pk")).order_by("-n")[0]
    post = Post.objects.get(pk=busiest["post"])
    once = Person.objects.filter(origin=post.code).annotate(n=Count("crossings")).filter(n=1)
    new = list(once.order_by("-created_at").values_list("pk", flat=True)[:25])
    crossings = list(Crossing.objects.filter(person_id__in=new))
    persons = list(Person.objects.filter(pk__in=new))
    documents = list(TravelDocument.objects.filter(person_id__in=new))
    sent = [records.dump(o) for o in [*persons, *documents, *crossings]]
    with transaction.atomic():  # keys checked at the end
        StayCase.objects.filter(person_id__in=new)._raw_delete("default")
        Crossing.objects.filter(pk__in=[c.pk for c in crossings])._raw_delete("default")
        TravelDocument.objects.filter(pk__in=[d.pk for d in documents])._raw_delete("default")
        Person.objects.filter(pk__in=new)._raw_delete("default")
    return post, sent


def test_every_figure_equals_the_raw_records_after_live_late_and_corrected_crossings(settings):
    settings.BMIS_ROLE = "hq"
    _supervisors.clear()
    rng = random.Random(2026)
    reference_load()
    generate(crossings=500, seed=11, end=END)
    post, late = late_batch()
    settled()
    aggregate.refresh(limit=rng.randint(20, 60))  # transactions that cut the log anywhere
    for filters in some_filters(rng):
        check(filters)

    generate(crossings=150, seed=12, end=END)  # live traffic
    correct_some(rng, 25)
    settled()
    aggregate.refresh(limit=rng.randint(5, 30))
    correct_some(rng, 10)  # corrections of corrections among them, not counted yet
    link = NodeLink.objects.create(
        post=post, public_key=signing.public_pem(signing.own_key()), epoch=1
    )
    answer = push.push_receive(link=link, payload={  # late: a week's batch, arriving now
        "schema": records.SCHEMA, "epoch": 1, "from_seq": 1, "to_seq": len(late),
        "records": late,
    })  # fmt: skip
    assert answer["refused"] == [] and answer["stored"] == len(late)
    assert aggregate.waiting() > 0
    settled()
    aggregate.refresh(limit=rng.randint(5, 30))
    assert aggregate.waiting() == 0
    for filters in some_filters(rng):
        check(filters)
    assert aggregate.refresh() == 0  # nothing left: counting again changes nothing
    for filters in some_filters(rng)[:3]:
        check(filters)


def test_a_rebuild_gives_the_same_figures():
    reference_load()
    generate(crossings=120, seed=5, end=END)
    settled()
    aggregate.refresh()
    whole = Filters(start=date(2024, 10, 1), end=date(2025, 9, 30))
    before = (queries.totals(whole), queries.breakdown(whole, "nationality"))
    assert before[0]["crossings"] > 0
    assert aggregate.rebuild() > 0
    assert (queries.totals(whole), queries.breakdown(whole, "nationality")) == before


def test_age_groups():
    day = date(2025, 3, 1)
    assert aggregate.age_group(date(2010, 3, 2), day) == "0-14"
    assert aggregate.age_group(date(2010, 3, 1), day) == "15-24"
    assert aggregate.age_group(date(1960, 3, 1), day) == "65+"
    assert aggregate.age_group(None, day) == ""
    assert aggregate.age_group(date(2026, 1, 1), day) == ""  # born after: not an age


def test_periods_and_year_before():
    filters = Filters(start=date(2024, 2, 29), end=date(2024, 3, 4))
    assert queries.periods(filters, "week") == [date(2024, 2, 26), date(2024, 3, 4)]
    assert queries.periods(filters, "month") == [date(2024, 2, 1), date(2024, 3, 1)]
    assert filters.year_before() == Filters(start=date(2023, 2, 28), end=date(2023, 3, 4))
    assert timezone.is_aware(END)


def test_a_figure_is_read_from_the_smallest_shape_that_holds_its_dimensions():
    whole = Filters(start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert SHAPES[queries.shape_for(whole, "direction", "decision")] == FLOWS
    assert SHAPES[queries.shape_for(whole, "nationality", "direction")] == BASE
    assert SHAPES[queries.shape_for(whole.narrowed(post_kind=("air",)), "direction")] == FLOWS
    assert SHAPES[queries.shape_for(whole, "carrier", "direction")] == (*FLOWS, "carrier")
    by_nationality = whole.narrowed(nationality=("USA",))
    assert SHAPES[queries.shape_for(by_nationality, "carrier", "direction")] == (*BASE, "carrier")
    narrowed = whole.narrowed(nationality=("USA",), age=("0-14",))
    assert SHAPES[queries.shape_for(narrowed, "age", "direction")] == (*BASE, "age")
    assert queries.shape_for(whole.narrowed(sex=("F",)), "age") == 0  # every dimension
