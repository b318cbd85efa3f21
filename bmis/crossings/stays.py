"""Stays: the Django side of domain.stay.

`choose_rule` applies the administrator's stay rules to a traveller; `matching` turns a
traveller's crossings into domain crossings and matches them; `refresh` stores what the matching
says on the person (in the country or not, since when, until when) and syncs the traveller's
data-quality cases.

Only admitted crossings move a traveller: a refused entry never entered, a refused exit never
left, and a referral moves no one until its completion (a crossing of its own) says so. A
correction whose decision is not "admitted" therefore withdraws the crossing it corrects.
"""

import zoneinfo
from collections import namedtuple
from dataclasses import dataclass
from datetime import date

import orjson
import psycopg
from django.conf import settings
from django.db import connection
from django.utils import timezone

from bmis.crossings import identity
from bmis.crossings.models import Crossing, Decision, Person, StayCase, StayRule
from domain import stay as domain


@dataclass(frozen=True)
class RuleChoice:
    code: str
    description: str
    permitted_until: date | None  # None: unlimited
    allowance: str  # days, unlimited, same_day
    days: int | None


def zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def as_domain_rule(rule: StayRule) -> domain.StayRule:
    return domain.StayRule(
        rule.code,
        rule.nationality or None,
        rule.document_kind or None,
        rule.residence or None,
        domain.Allowance(rule.allowance, rule.days if rule.allowance == "days" else None),
        rule.priority,
    )


def active_rules() -> list[StayRule]:
    return list(StayRule.objects.filter(is_active=True))


def choose_rule(
    *, nationality: str, document_kind: str, residence: str, entry_day: date
) -> RuleChoice | None:
    """Return the rule that applies to a traveller entering on `entry_day`, or None."""
    rules = {rule.code: rule for rule in active_rules()}
    chosen = domain.choose(
        [as_domain_rule(rule) for rule in rules.values()],
        nationality=nationality or None,
        document_type=document_kind or None,
        residence=residence or None,
    )
    if chosen is None:
        return None
    try:
        until = domain.permitted_until(chosen, entry_day)
    except domain.RuleError:
        return None  # the rule form refuses such rules; one written around it applies to no one
    rule = rules[chosen.code]
    return RuleChoice(rule.code, rule.description, until, rule.allowance, rule.days)


def _domain_crossings(crossings: list[Crossing]) -> list[domain.Crossing]:
    ordered = sorted(crossings, key=lambda c: (c.created_at, str(c.id)))
    ids = {c.id for c in crossings}
    result = []
    for seq, crossing in enumerate(ordered):
        admitted = crossing.decision == Decision.ADMITTED and not crossing.void
        corrects = crossing.corrects_id if crossing.corrects_id in ids else None
        if not admitted and corrects is None:
            continue  # a refusal or a referral: nobody crossed
        result.append(
            domain.Crossing(
                id=str(crossing.id),
                seq=seq,
                at=crossing.at,
                direction=crossing.direction,
                post=str(crossing.post_id),
                permitted_until=crossing.permitted_until,
                rule=crossing.stay_rule or None,
                corrects=str(corrects) if corrects else None,
                void=not admitted,
            )
        )
    return result


def matching(crossings: list[Crossing], *, today: date | None = None) -> domain.Matching:
    """Match a traveller's crossings (every version of every record) as of `today`."""
    return domain.match(
        _domain_crossings(crossings), today=today or timezone.localdate(), zone=zone()
    )


def stay_of_exit(found: domain.Matching, exit_id: str) -> domain.Stay | None:
    return next((s for s in found.stays if s.exit is not None and s.exit.id == exit_id), None)


# What a traveller's derived state is worked out from: these columns of their crossings.
CROSSING_COLUMNS = ("id", "person_id", "created_at", "decision", "void", "corrects_id", "at",
                    "direction", "post_id", "permitted_until", "stay_rule")  # fmt: skip
CrossingRow = namedtuple("CrossingRow", CROSSING_COLUMNS)
DERIVED = ("present", "present_since", "permitted_until", "stay_rule", "entry_post_id",
           "last_crossing_id")  # fmt: skip
NOWHERE = (False, None, None, "", None, None)  # a traveller with no crossing, or merged away


def derived(crossings: list, found: domain.Matching) -> tuple[tuple, dict]:
    """Return what `found` says of a traveller: their `DERIVED` values, and the data-quality
    cases that should stand, {(code, crossing ids): (post, crossing)}."""
    open_stay = found.open_stay
    by_id = {str(c.id): c for c in crossings}
    corrected = {c.corrects_id for c in crossings}
    in_force = [c for c in crossings if c.id not in corrected]
    latest = max(in_force, key=lambda c: (c.at, c.created_at), default=None)
    values = (
        open_stay is not None,
        open_stay.entry.at if open_stay else None,
        open_stay.permitted_until if open_stay else None,
        (open_stay.entry.rule or "") if open_stay else "",
        by_id[open_stay.entry.id].post_id if open_stay else None,
        latest.id if latest else None,
    )
    cases = {}
    for case in found.cases:
        last = by_id[case.crossings[-1]]
        cases[(case.code, ",".join(case.crossings))] = (last.post_id, last.id)
    return values, cases


def refresh(person: Person, crossings: list[Crossing], found: domain.Matching) -> None:
    """Store where `person` is now, as `found` says, and sync their data-quality cases."""
    values, cases = derived(crossings, found)
    for attname, value in zip(DERIVED, values, strict=True):
        setattr(person, attname, value)
    person.save(update_fields=[Person._meta.get_field(a).name for a in DERIVED])
    _cases_sync({person.pk: cases})


def refresh_many(person_ids) -> None:
    """Work out again where each of these travellers is, from the crossings this node holds (of
    the traveller, and of those merged into them; a merged traveller is nowhere), in a few
    statements whatever their number: what a synchronised batch calls for.

    The same derivation as `refresh`; only the travellers whose state changed are written.
    """
    histories = Histories(person_ids)
    if histories.keys:
        derived_write(histories.derive(histories.read()))


class Histories:
    """The crossings that say where some travellers are: whom to read, read, then derived.

    Reading and deriving are apart so that headquarters can read a pushed batch's travellers'
    past before it stores the batch, and derive their state while the database stores it
    (`derive`'s `adding`: the batch's crossings, not stored yet).
    """

    def __init__(self, person_ids, *, merged: bool | None = None) -> None:
        self.keys = set(person_ids)
        if merged is None:  # unless the caller knows: whether any of them was merged
            merged = bool(self.keys) and identity.any_merged(self.keys)
        if merged:
            self.kept_of = identity.canonical_keys(self.keys)
            groups = identity.member_keys(set(self.kept_of.values()))
        else:  # none of them merged, nor merged into: each is their own (one query, not two)
            self.kept_of = {key: key for key in self.keys}
            groups = {key: [key] for key in self.keys}
        self.groups = groups
        self.owner = {member: kept for kept, members in groups.items() for member in members}

    def read(self) -> list:
        """Return the travellers' crossings as the database holds them, in no order
        (`_domain_crossings` sorts them), fetched whole: a few rows a traveller."""
        if not self.owner:
            return []
        rows = Crossing.objects.filter(person_id__any=list(self.owner)).order_by()
        return list(rows.values_list(*CROSSING_COLUMNS))

    def derive(self, rows: list, adding=()) -> dict:
        """Return {traveller: (`DERIVED` values, cases)} from `rows` (`read`'s) and `adding`,
        crossings not among them yet."""
        histories: dict = {kept: [] for kept in self.groups}
        seen = set()
        for row in rows:
            histories[self.owner[row[1]]].append(CrossingRow(*row))
            seen.add(row[0])
        for crossing in adding:
            if crossing.pk not in seen and crossing.person_id in self.owner:
                row = CrossingRow(*(getattr(crossing, column) for column in CROSSING_COLUMNS))
                histories[self.owner[crossing.person_id]].append(row)
                seen.add(crossing.pk)
        today = timezone.localdate()
        wanted = {key: (NOWHERE, {}) for key in self.keys if self.kept_of[key] != key}
        for kept, crossings in histories.items():
            wanted[kept] = derived(crossings, matching(crossings, today=today))
        return wanted


class HistoriesAhead:
    """A pushed batch's travellers' past, asked of PostgreSQL inside its pipeline before the
    batch's rows (`records.pipeline`) and read once they are sent: the database looks it up
    while headquarters reads the batch, where asking first and waiting took a sixth of the
    ingest. The answers are those of `Histories`: whether any of them was merged, and their
    crossings."""

    def __init__(self, person_ids) -> None:
        self.keys = set(person_ids)
        self._merges = self._rows = None

    def send(self) -> None:
        """Send the two queries, without waiting for their answers."""
        rows = Crossing.objects.filter(person_id__any=list(self.keys)).order_by()
        self._merges = _sent(identity.merges_of(self.keys).values("pk")[:1])
        self._rows = _sent(rows.values_list(*CROSSING_COLUMNS))

    def derive(self, adding=()) -> dict | None:
        """Return `Histories.derive`'s answer, from the past and `adding`; None if any of the
        travellers was merged or merged into (their state is then derived from the database,
        with the batch in it)."""
        try:
            if self._merges.fetchone() is not None:
                return None
            return Histories(self.keys, merged=False).derive(self._rows.fetchall(), adding)
        finally:
            self._merges.close()
            self._rows.close()


def _sent(queryset) -> psycopg.Cursor:
    """Send `queryset`'s query (PostgreSQL), and return the cursor its rows will be read from."""
    sql, params = queryset.query.sql_with_params()
    cursor = psycopg.Cursor(connection.connection)
    with connection.wrap_database_errors:
        cursor.execute(sql, params)
    return cursor


def derived_write(wanted: dict) -> None:
    """Store what `Histories.derive` found: each traveller's state, and their cases."""
    _derived_store({key: values for key, (values, _) in wanted.items()})
    _cases_sync({key: cases for key, (_, cases) in wanted.items()})


def _derived_store(wanted: dict) -> None:
    """Write the `DERIVED` values of the travellers whose stored ones differ."""
    if not wanted:
        return
    fields = [Person._meta.get_field(attname) for attname in DERIVED]
    quote = connection.ops.quote_name
    table, pk = quote(Person._meta.db_table), Person._meta.pk
    if connection.vendor == "postgresql":  # one statement, the rows in one JSON parameter
        columns = [pk.column, *(f.column for f in fields)]
        rows = [dict(zip(columns, (key, *values), strict=True)) for key, values in wanted.items()]
        sets = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
        held = ", ".join(f"p.{quote(f.column)}" for f in fields)
        new = ", ".join(f"v.{quote(f.column)}" for f in fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS p SET {sets} FROM json_populate_recordset(NULL::{table}, %s)"  # noqa: S608
                f" AS v WHERE p.{quote(pk.column)} = v.{quote(pk.column)}"
                f" AND ({held}) IS DISTINCT FROM ({new})",
                [orjson.dumps(rows).decode()],  # keys, dates and times as ISO 8601
            )
        return
    held = Person.objects.filter(pk__in=list(wanted)).values_list("pk", *DERIVED)
    changed = [(key, wanted[key]) for key, *values in held if tuple(values) != wanted[key]]
    if not changed:
        return
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE {quote(pk.column)} = %s",  # noqa: S608
            [
                [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
                + [pk.get_db_prep_save(key, connection)]
                for key, values in changed
            ],
        )


def _cases_sync(wanted: dict) -> None:
    """Make the travellers' stored cases those of `wanted`, {person: {(code, ids): (post,
    crossing)}}: a case that no longer stands goes, a review of one that still does is kept."""
    stale = []
    held = {key: set() for key in wanted}
    rows = StayCase.objects.filter(person_id__any=list(wanted)).values_list(
        "pk", "person_id", "code", "crossing_ids"
    )
    for case_id, person_id, code, ids in rows:
        if (code, ids) in wanted[person_id]:
            held[person_id].add((code, ids))
        else:
            stale.append(case_id)
    if stale:
        StayCase.objects.filter(pk__any=stale).delete()
    StayCase.objects.bulk_create(
        StayCase(person_id=key, post_id=post, code=code, crossing_id=crossing, crossing_ids=ids)
        for key, cases in wanted.items()
        for (code, ids), (post, crossing) in cases.items()
        if (code, ids) not in held[key]
    )
