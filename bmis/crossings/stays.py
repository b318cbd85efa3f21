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
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

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


def refresh(person: Person, crossings: list[Crossing], found: domain.Matching) -> None:
    """Store where `person` is now, as `found` says, and sync their data-quality cases."""
    open_stay = found.open_stay
    by_id = {str(c.id): c for c in crossings}
    corrected = {c.corrects_id for c in crossings}
    in_force = [c for c in crossings if c.id not in corrected]
    latest = max(in_force, key=lambda c: (c.at, c.created_at), default=None)
    person.present = open_stay is not None
    person.present_since = open_stay.entry.at if open_stay else None
    person.permitted_until = open_stay.permitted_until if open_stay else None
    person.stay_rule = (open_stay.entry.rule or "") if open_stay else ""
    person.entry_post_id = by_id[open_stay.entry.id].post_id if open_stay else None
    person.last_crossing = latest
    person.save(
        update_fields=[
            "present",
            "present_since",
            "permitted_until",
            "stay_rule",
            "entry_post",
            "last_crossing",
        ]
    )
    wanted = {(case.code, ",".join(case.crossings)): case for case in found.cases}
    existing = {(case.code, case.crossing_ids): case for case in person.cases.all()}
    for key in existing.keys() - wanted.keys():
        existing[key].delete()
    for key in wanted.keys() - existing.keys():
        first = by_id[wanted[key].crossings[-1]]
        StayCase.objects.create(
            person=person, post_id=first.post_id, code=key[0], crossing=first, crossing_ids=key[1]
        )
