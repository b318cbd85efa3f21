"""Synthetic journeys made into rows of travellers, documents, shifts, crossings and cases.

Each traveller's document is built (`domain.mrz.build`) and read back as the counter reads it
(`reading.from_mrz`, or `reading.from_manual` for a border card), so the traveller is recorded
under the names the counter would record. Each traveller's derived fields and each crossing's
stay figures are set as the services set them (see the package's docstring), then the rows are
inserted with one prepared statement per table and batch.
"""

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone

from bmis.accounts.models import User
from bmis.crossings import stays
from bmis.crossings.inspection import name_key
from bmis.crossings.models import (
    Crossing,
    Decision,
    Direction,
    DocumentKind,
    Person,
    Shift,
    StayCase,
    TravelDocument,
)
from bmis.crossings.reading import Reading, from_manual, from_mrz
from bmis.crossings.traffic.data import COUNTERS, NUMBERS, SYMBOLS
from bmis.crossings.traffic.journeys import DRAW_AGE, NAMES, Event, Journeys, Traveller
from bmis.posts.models import Counter, Post
from domain import mrz
from domain import stay as domain


def uuid7_at(at: datetime, rng: random.Random) -> uuid.UUID:
    """Return a UUIDv7 (RFC 9562 §5.7) for the moment `at`, its random bits from `rng`."""
    ms = int(at.timestamp() * 1000) & ((1 << 48) - 1)
    value = ms << 80 | 0x7 << 76 | rng.getrandbits(12) << 64 | 0b10 << 62 | rng.getrandbits(62)
    return uuid.UUID(int=value)


@dataclass
class Batch:
    persons: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    shifts: list = field(default_factory=list)
    crossings: list = field(default_factory=list)
    cases: list = field(default_factory=list)


class Records(Journeys):
    """One run's journeys made into rows, with what the services would derive from them."""

    def __init__(self, *, posts: dict[str, Post], seed: int, run: int, end: datetime) -> None:
        super().__init__(posts=posts, seed=seed, run=run, end=end)
        self.rules = [stays.as_domain_rule(rule) for rule in stays.active_rules()]
        self.chosen: dict[tuple, domain.StayRule | None] = {}
        self.counters = self._counters()
        self.staff = {
            code: (
                User.objects.get(username=f"demo-officer-{code.lower()}").pk,
                User.objects.get(username=f"demo-supervisor-{code.lower()}").pk,
            )
            for code in posts
        }
        # No two documents of a state share a number, across runs too.
        self.numbers = set(TravelDocument.objects.values_list("issuing_state", "number"))
        self.shift_ids: dict[tuple, uuid.UUID] = {}

    def _counters(self) -> dict[tuple[str, str], list]:
        found: dict[tuple[str, str], list] = {}
        for code, post in self.posts.items():
            ids = dict(Counter.objects.filter(post=post).values_list("code", "id"))
            for counter_code, _name, serves in COUNTERS.get(code) or COUNTERS[post.kind]:
                for direction in Direction.values:
                    if serves in ("", direction):
                        found.setdefault((code, direction), []).append(
                            (counter_code, ids[counter_code])
                        )
        return found

    def number(self, state: str, document: str) -> str:
        pattern = NUMBERS.get((state, document), "LLDDDDDDD")
        while True:
            text = "".join(self.rng.choice(SYMBOLS[c]) if c in SYMBOLS else c for c in pattern)
            if (state, text) not in self.numbers:
                self.numbers.add((state, text))
                return text

    def reading(self, who: Traveller, first: date) -> Reading:
        """Return the traveller's document as the counter reads it on their first crossing."""
        rng = self.rng
        men, women, surnames, count = NAMES[who.culture]
        sex = "F" if rng.random() < 0.5 else "M"
        if who.nationality in ("USA", "CAN") and rng.random() < 0.003:
            sex = "X"
        names = women if sex == "F" else men
        given = " ".join(rng.sample(names, 2 if rng.random() < 0.25 else 1))
        surname = " ".join(rng.sample(surnames, count))
        age = DRAW_AGE.pick(rng) + rng.randrange(10)
        if who.profile in ("border_card", "haitian_land"):
            age = max(18, min(70, age))
        birth = self.first_day - timedelta(days=age * 365 + rng.randrange(30, 365))
        expiry = self.today + timedelta(days=rng.randrange(45, 3650))
        number = self.number(who.nationality, who.document)
        if who.document == "border_card":
            data = {
                "kind": DocumentKind.BORDER_CARD,
                "number": number,
                "surname": surname,
                "given_names": given,
                "issuing_state": who.nationality,
                "nationality": who.nationality,
                "birth_date": birth,
                "expiry_date": expiry,
                "sex": sex,
            }
            return from_manual(data, today=first)
        lines = mrz.build(
            format="TD3" if who.document == "P" else "TD1",
            document_code="P" if who.document == "P" else "ID",
            issuing_state=who.nationality,
            surname=surname,
            given_names=given,
            document_number=number,
            nationality=who.nationality,
            birth_date=birth,
            sex=sex,
            expiry_date=expiry,
        )
        return from_mrz("\n".join(lines), today=first)

    # Records.

    def rule(
        self, nationality: str, kind: str, residence: str, day: date
    ) -> tuple[str, date | None]:
        """Return the stay rule and permitted date, as `stays.choose_rule` gives them."""
        key = (nationality, kind, residence)
        if key not in self.chosen:
            self.chosen[key] = domain.choose(
                self.rules,
                nationality=nationality or None,
                document_type=kind or None,
                residence=residence or None,
            )
        chosen = self.chosen[key]
        if chosen is None:
            return "", None
        try:
            return chosen.code, domain.permitted_until(chosen, day)
        except domain.RuleError:
            return "", None

    def shift(self, batch: Batch, code: str, counter: tuple, at: datetime, direction: str):
        """Return the id of the day's shift at `counter` in `direction`, made on first use."""
        day = timezone.localdate(at, self.zone)
        key = (code, counter[0], day, direction)
        shift_id = self.shift_ids.get(key)
        if shift_id is None:
            opened = datetime.combine(day, clock(0), tzinfo=self.zone)
            shift_id = self.shift_ids[key] = uuid7_at(opened, self.rng)
            batch.shifts.append(
                {
                    "id": shift_id,
                    "origin": code,
                    "created_at": opened,
                    "officer_id": self.staff[code][0],
                    "post_id": self.posts[code].pk,
                    "counter_id": counter[1],
                    "direction": direction,
                    "opened_at": opened,
                    "closed_at": min(opened + timedelta(hours=23, minutes=59), self.end),
                }
            )
        return shift_id

    def add(self, batch: Batch, who: Traveller, events: list[Event]) -> None:
        """Add the traveller, their document and crossings to `batch`, derived fields set."""
        rng, first = self.rng, events[0]
        reading = self.reading(who, timezone.localdate(first.at, self.zone))
        person = {
            "id": uuid7_at(first.at, rng),
            "origin": first.post,
            "created_at": first.at,
            "surname": reading.surname,
            "given_names": reading.given_names,
            "name_key": name_key(reading.surname, reading.given_names),
            "birth_date": reading.birth_date,
            "birth_date_raw": reading.birth_date_raw,
            "sex": reading.sex,
            "nationality": reading.nationality,
        }
        document = {
            "id": uuid7_at(first.at, rng),
            "origin": first.post,
            "created_at": first.at,
            "person_id": person["id"],
            "kind": reading.kind,
            "document_code": reading.document_code,
            "issuing_state": reading.issuing_state,
            "number": reading.number,
            "expiry_date": reading.expiry_date,
            "expiry_date_raw": reading.expiry_date_raw,
            "mrz": reading.mrz,
        }
        crossings: list[SimpleNamespace] = []
        for event in events:
            counter = rng.choice(self.counters[(event.post, event.direction)])
            officer, supervisor = self.staff[event.post]
            crossing = SimpleNamespace(**CROSSING_DEFAULTS)
            vars(crossing).update(
                id=uuid7_at(event.at, rng),
                origin=event.post,
                created_at=event.at,
                submission=uuid.UUID(int=rng.getrandbits(128), version=4),
                person_id=person["id"],
                document_id=document["id"],
                post_id=self.posts[event.post].pk,
                counter_id=counter[1],
                officer_id=supervisor if event.completes else officer,
                at=event.at,
                direction=event.direction,
                decision=event.decision,
                refusal_reason_id=event.refusal,
            )
            vars(crossing).update(event.details)
            if event.completes:  # as referral_complete: no shift, the referral's counter
                crossing.resolves_id = crossings[-1].id
                crossing.counter_id = crossings[-1].counter_id
            else:
                crossing.shift_id = self.shift(
                    batch, event.post, counter, event.at, event.direction
                )
            if event.direction == Direction.ENTRY and event.decision == Decision.ADMITTED:
                crossing.stay_rule, crossing.permitted_until = self.rule(
                    reading.nationality,
                    reading.kind,
                    crossing.residence or reading.nationality,
                    timezone.localdate(event.at, self.zone),
                )
            crossings.append(crossing)
        self.derive(person, crossings, batch)
        batch.persons.append(person)
        batch.documents.append(document)
        batch.crossings += [vars(crossing) for crossing in crossings]

    def derive(self, person: dict, crossings: list, batch: Batch) -> None:
        """Set what the services derive from the crossings, as `_write` and `stays.refresh` do."""
        found = stays.matching(crossings, today=self.today)
        for crossing in crossings:
            if crossing.direction == Direction.EXIT and crossing.decision == Decision.ADMITTED:
                stay = stays.stay_of_exit(found, str(crossing.id))
                if stay is not None:
                    crossing.stay_days, crossing.overstay_days = stay.days, stay.overstay_days
        by_id = {str(c.id): c for c in crossings}
        corrected = {c.corrects_id for c in crossings}
        in_force = [c for c in crossings if c.id not in corrected]
        open_stay = found.open_stay
        person["present"] = open_stay is not None
        person["present_since"] = open_stay.entry.at if open_stay else None
        person["permitted_until"] = open_stay.permitted_until if open_stay else None
        person["stay_rule"] = (open_stay.entry.rule or "") if open_stay else ""
        person["entry_post_id"] = by_id[open_stay.entry.id].post_id if open_stay else None
        person["last_crossing_id"] = max(in_force, key=lambda c: (c.at, c.created_at)).id
        for case in found.cases:
            crossing = by_id[case.crossings[-1]]
            batch.cases.append(
                {
                    "person_id": person["id"],
                    "post_id": crossing.post_id,
                    "code": case.code,
                    "crossing_id": crossing.id,
                    "crossing_ids": ",".join(case.crossings),
                    "found_at": self.end,
                }
            )

    def batch(self, size: int) -> Batch:
        """Return a batch of whole travellers with `size` crossings in all."""
        batch = Batch()
        while len(batch.crossings) < size:
            who = self.traveller()
            home = who.profile in ("resident", "haitian_land") or who.residence == "HTI"
            events = self.sojourns(who) if home else self.visits(who)
            events = events[: size - len(batch.crossings)]
            if events and events[-1].decision == Decision.REFERRED:
                events.pop()  # its completion did not fit
            if events:
                self.add(batch, who, events)
        return batch


# --- Writing -------------------------------------------------------------------------------------

# Each crossing's own values start from the model's defaults (JSON lists are only read).
CROSSING_DEFAULTS = {
    field.attname: field.get_default()
    for field in Crossing._meta.concrete_fields
    if field.attname not in ("id", "origin", "created_at", "submission")
}


class Table:
    """Rows of one model inserted with `executemany`, each value adapted as Django adapts it.

    Django's bulk_create spends most of its time compiling SQL (and on SQLite sends at most 999
    parameters a statement); one prepared INSERT run over a batch is several times faster.
    """

    def __init__(self, model) -> None:
        ops = connection.ops
        self.fields = [f for f in model._meta.concrete_fields if not f.db_returning]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.adapters: list[Callable | None] = []
        for f in self.fields:
            kind = (f.target_field if f.is_relation else f).get_internal_type()
            if kind == "UUIDField" and not connection.features.has_native_uuid_field:
                self.adapters.append(lambda value: value.hex if value is not None else None)
            elif kind == "DateTimeField":
                self.adapters.append(ops.adapt_datetimefield_value)
            elif kind == "DateField":
                self.adapters.append(ops.adapt_datefield_value)
            elif kind == "JSONField":
                self.adapters.append(lambda value, f=f: f.get_db_prep_save(value, connection))
            else:
                self.adapters.append(None)
        columns = ", ".join(ops.quote_name(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        table = ops.quote_name(model._meta.db_table)
        # Names from the model, quoted; every value is a parameter.
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608

    def insert(self, rows: list[dict]) -> None:
        pairs = [(f.attname, adapt) for f, adapt in zip(self.fields, self.adapters, strict=True)]
        defaults = self.defaults
        params = [
            tuple(
                adapt(row.get(name, defaults[name])) if adapt else row.get(name, defaults[name])
                for name, adapt in pairs
            )
            for row in rows
        ]
        with connection.cursor() as cursor:
            for start in range(0, len(params), 5000):
                cursor.executemany(self.sql, params[start : start + 5000])


def write(batch: Batch) -> None:
    """Insert a batch in one transaction; foreign keys are checked at commit."""
    with transaction.atomic():
        Table(Person).insert(batch.persons)
        Table(TravelDocument).insert(batch.documents)
        Table(Shift).insert(batch.shifts)
        Table(Crossing).insert(batch.crossings)
        Table(StayCase).insert(batch.cases)
