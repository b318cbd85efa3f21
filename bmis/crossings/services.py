"""Writes of the counter: shifts, crossings, referrals completed, corrections, stay rules.

Every function validates everything before writing anything, writes inside one transaction with
its audit event, and leaves the traveller's derived state (stays.refresh) consistent with the
crossings. A failure writes nothing.

A crossing is keyed for idempotency by the `submission` id the browser mints when it shows the
decision form: the same submission sent twice (a double click, a retry after a timeout, a reload)
returns the crossing the first one recorded.
"""

import base64
import binascii
import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.accounts.roles import INSPECTION_SUPERVISORS, POST_ROLES
from bmis.core import audit
from bmis.crossings import stays
from bmis.crossings.inspection import Inspection, inspect, name_key
from bmis.crossings.models import (
    AllowanceKind,
    Crossing,
    Decision,
    Direction,
    DocumentKind,
    Mode,
    Person,
    Photo,
    Shift,
    StayCase,
    StayRule,
    TravelDocument,
)
from bmis.crossings.reading import Reading
from bmis.posts.models import Counter
from bmis.reference.models import Country, RefusalReason, TravelPurpose
from domain import stay as domain
from domain.stay.rules import MAX_DAYS

PHOTO_MAX_BYTES = 400_000
RULE_CODE_RE = re.compile(r"[A-Z0-9_]{1,32}", re.ASCII)
MAX_INTENDED_STAY = 3650
DETAIL_FIELDS = (
    "mode",
    "carrier",
    "flight",
    "vehicle",
    "place_country",
    "place",
    "purpose",
    "intended_stay_days",
    "address",
    "residence",
)


@dataclass
class Details:
    """The travel details the officer completes."""

    mode: str = ""
    carrier: str = ""
    flight: str = ""
    vehicle: str = ""
    place_country: str = ""
    place: str = ""
    purpose: TravelPurpose | None = None
    intended_stay_days: int | None = None
    address: str = ""
    residence: str = ""

    @classmethod
    def of(cls, crossing: Crossing) -> "Details":
        return cls(**{name: getattr(crossing, name) for name in DETAIL_FIELDS})


# --- Shifts ------------------------------------------------------------------------------------


def shift_open(
    *, officer, counter: Counter, direction: str, request: HttpRequest | None = None
) -> Shift:
    """Open a shift for `officer` at `counter`, closing the officer's previous one."""
    if officer.role not in POST_ROLES or officer.post_id != counter.post_id:
        raise ValidationError(_("You can open only a counter of your own post."))
    if not counter.is_active:
        raise ValidationError({"counter": _("This counter is closed.")})
    if direction not in Direction.values:
        raise ValidationError({"direction": _("Choose entry or exit.")})
    with transaction.atomic():
        held = Shift.objects.open().filter(counter=counter).exclude(officer=officer).first()
        if held is not None:
            raise ValidationError(
                {
                    "counter": _("Counter %(code)s is held by %(name)s since %(time)s.")
                    % {
                        "code": counter.code,
                        "name": held.officer.get_full_name() or held.officer.username,
                        "time": timezone.localtime(held.opened_at).strftime("%H:%M"),
                    }
                }
            )
        for previous in Shift.objects.open().filter(officer=officer):
            _close(previous, officer, request)
        shift = Shift.objects.create(
            officer=officer, post_id=counter.post_id, counter=counter, direction=direction
        )
        audit.record(
            actor=officer,
            action="shift.opened",
            obj=shift,
            request=request,
            details={"counter": counter.code, "direction": direction},
        )
    return shift


def _close(shift: Shift, actor, request) -> None:
    shift.closed_at = timezone.now()
    shift.save(update_fields=["closed_at"])
    count = Crossing.objects.filter(shift=shift).count()
    audit.record(
        actor=actor,
        action="shift.closed",
        obj=shift,
        request=request,
        details={"counter": shift.counter.code, "crossings": count},
    )


def shift_close(*, officer, shift: Shift, request: HttpRequest | None = None) -> None:
    """Close an officer's open shift."""
    if shift.officer_id != officer.pk or shift.closed_at is not None:
        raise ValidationError(_("This shift is not open in your name."))
    with transaction.atomic():
        _close(shift, officer, request)


# --- Crossings ---------------------------------------------------------------------------------


def decode_photo(data_url: str) -> bytes | None:
    """Return the JPEG bytes of a `data:image/jpeg;base64,…` URL; raise ValidationError."""
    if not data_url:
        return None
    prefix = "data:image/jpeg;base64,"
    if not data_url.startswith(prefix) or len(data_url) > PHOTO_MAX_BYTES * 4 // 3 + 100:
        raise ValidationError({"photo": _("The photo is not a JPEG image of at most 400 kB.")})
    try:
        data = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data.startswith(b"\xff\xd8\xff") or len(data) > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("The photo is not a JPEG image of at most 400 kB.")})
    return data


def _check_details(details: Details, direction: str, decision: str, nationality: str) -> dict:
    errors: dict[str, str] = {}
    if details.mode not in Mode.values:
        errors["mode"] = _("Choose how the traveller travels: air, sea or land.")
    for name in ("place_country", "residence"):
        code = getattr(details, name)
        if code and not Country.objects.filter(code=code, is_active=True).exists():
            errors[name] = _("Choose a state from the list.")
    if details.purpose is not None and not details.purpose.is_active:
        errors["purpose"] = _("This purpose of travel is no longer in use: choose another.")
    if (
        direction == Direction.ENTRY
        and decision == Decision.ADMITTED
        and details.purpose is None
        and nationality != "HTI"
    ):
        errors["purpose"] = _("Give the purpose of the visit.")
    days = details.intended_stay_days
    if days is not None and not 1 <= days <= MAX_INTENDED_STAY:
        errors["intended_stay_days"] = _("An intended stay is 1 to 3650 days.")
    return errors


def _check_decision(
    *,
    actor,
    blocking: bool,
    decision: str,
    refusal_reason: RefusalReason | None,
    override: bool,
) -> dict:
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = _("Choose a decision: admit, refuse or refer.")
        return errors
    if decision == Decision.REFUSED:
        if refusal_reason is None:
            errors["refusal_reason"] = _("Choose the reason for the refusal.")
        elif not refusal_reason.is_active:
            errors["refusal_reason"] = _("This reason is no longer in use: choose another.")
    if override and actor.role not in INSPECTION_SUPERVISORS:
        errors["override"] = _("Only a supervisor can override failed checks.")
    elif decision == Decision.ADMITTED and blocking and not override:
        if actor.role in INSPECTION_SUPERVISORS:
            errors["override"] = _(
                "The checks failed: confirm that you override them to admit the traveller."
            )
        else:
            errors["decision"] = _(
                "The checks failed: refer the traveller to secondary inspection or refuse. "
                "Only a supervisor can admit them."
            )
    return errors


def _existing(submission: uuid.UUID, actor) -> Crossing | None:
    crossing = Crossing.objects.filter(submission=submission).first()
    if crossing is not None and crossing.officer_id != actor.pk:
        raise ValidationError(_("This form was already used by another officer. Scan again."))
    return crossing


def _person_and_document(reading: Reading, inspection: Inspection, link: Person | None):
    """Return the traveller and document to record, creating what is new."""
    if inspection.document is not None:
        person = Person.objects.select_for_update().get(pk=inspection.person.pk)
        return person, inspection.document
    person = link
    if person is None:
        person = Person.objects.create(
            surname=reading.surname,
            given_names=reading.given_names,
            name_key=name_key(reading.surname, reading.given_names),
            birth_date=reading.birth_date,
            birth_date_raw=reading.birth_date_raw,
            sex=reading.sex,
            nationality=reading.nationality,
        )
    document = TravelDocument.objects.create(
        person=person,
        kind=reading.kind,
        document_code=reading.document_code,
        issuing_state=reading.issuing_state,
        number=reading.number,
        expiry_date=reading.expiry_date,
        expiry_date_raw=reading.expiry_date_raw,
        mrz=reading.mrz,
    )
    return person, document


def _stay_for_exit(crossing: Crossing, person: Person, found: domain.Matching) -> None:
    stay = stays.stay_of_exit(found, str(crossing.id))
    if stay is not None:
        crossing.stay_days = stay.days
        crossing.overstay_days = stay.overstay_days


def _write(crossing: Crossing, person: Person, photo: bytes | None) -> None:
    """Save `crossing` with its stay figures and photo, and refresh the traveller."""
    history = list(person.crossings.all())
    found = stays.matching([*history, crossing])
    if crossing.direction == Direction.EXIT and crossing.decision == Decision.ADMITTED:
        _stay_for_exit(crossing, person, found)
    crossing.save(force_insert=True)
    if photo:
        Photo.objects.create(
            crossing=crossing, data=photo, sha256=hashlib.sha256(photo).hexdigest()
        )
    stays.refresh(person, [*history, crossing], found)


def _rule(crossing: Crossing, reading_kind: str, nationality: str, day: date) -> None:
    if crossing.direction != Direction.ENTRY or crossing.decision != Decision.ADMITTED:
        crossing.stay_rule, crossing.permitted_until = "", None
        return
    choice = stays.choose_rule(
        nationality=nationality,
        document_kind=reading_kind,
        residence=crossing.residence or nationality,
        entry_day=day,
    )
    crossing.stay_rule = choice.code if choice else ""
    crossing.permitted_until = choice.permitted_until if choice else None


def crossing_record(
    *,
    officer,
    shift: Shift,
    submission: uuid.UUID,
    reading: Reading,
    details: Details,
    decision: str,
    link_person: Person | None = None,
    refusal_reason: RefusalReason | None = None,
    note: str = "",
    override: bool = False,
    accompanied_by: Crossing | None = None,
    photo: bytes | None = None,
    request: HttpRequest | None = None,
    at: datetime | None = None,
) -> Crossing:
    """Record a traveller's crossing at `shift`'s counter with the officer's decision."""
    existing = _existing(submission, officer)
    if existing is not None:
        return existing
    if shift.officer_id != officer.pk or shift.closed_at is not None:
        raise ValidationError(_("Your shift at this counter is closed: open the counter again."))
    at = at or timezone.now()
    today = timezone.localdate(at)
    inspection = inspect(
        reading,
        direction=shift.direction,
        today=today,
        residence=details.residence,
        person=link_person,
    )
    errors = _check_details(details, shift.direction, decision, reading.nationality)
    errors |= _check_decision(
        actor=officer,
        blocking=inspection.blocking,
        decision=decision,
        refusal_reason=refusal_reason,
        override=override,
    )
    if link_person is not None and inspection.person != link_person:
        errors["link_person"] = _("This traveller cannot be linked to this document.")
    if accompanied_by is not None and (
        accompanied_by.post_id != shift.post_id or timezone.localdate(accompanied_by.at) != today
    ):
        errors["accompanied_by"] = _("Choose an adult recorded at this post today.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            person, document = _person_and_document(reading, inspection, link_person)
            crossing = Crossing(
                submission=submission,
                person=person,
                document=document,
                post_id=shift.post_id,
                counter_id=shift.counter_id,
                shift=shift,
                officer=officer,
                at=at,
                direction=shift.direction,
                decision=decision,
                refusal_reason=refusal_reason if decision == Decision.REFUSED else None,
                note=note.strip(),
                accompanied_by=accompanied_by,
                document_problems=[list(problem) for problem in reading.problems],
                checks=[result.as_json() for result in inspection.results],
                override_by=officer if override else None,
                **{name: getattr(details, name) for name in DETAIL_FIELDS},
            )
            _rule(crossing, reading.kind, reading.nationality, today)
            _write(crossing, person, photo)
            audit.record(
                actor=officer,
                action="crossing.recorded",
                obj=crossing,
                request=request,
                details={
                    "direction": crossing.direction,
                    "decision": decision,
                    "person": str(person.pk),
                    "document": f"{document.issuing_state} {document.number}",
                    "counter": shift.counter.code,
                    "override": override,
                    "linked_to_known_person": link_person is not None,
                },
            )
    except IntegrityError:
        # Two requests with one submission raced; the first one won.
        existing = _existing(submission, officer)
        if existing is None:
            raise
        return existing
    return crossing


def referral_complete(
    *,
    actor,
    referral: Crossing,
    submission: uuid.UUID,
    decision: str,
    refusal_reason: RefusalReason | None = None,
    note: str = "",
    override: bool = False,
    request: HttpRequest | None = None,
) -> Crossing:
    """Complete a referral to secondary inspection with the supervisor's own decision."""
    existing = _existing(submission, actor)
    if existing is not None:
        return existing
    if actor.role not in INSPECTION_SUPERVISORS or actor.post_id != referral.post_id:
        raise ValidationError(_("Only a supervisor of the post can complete this referral."))
    if referral.decision != Decision.REFERRED or hasattr(referral, "resolution"):
        raise ValidationError(_("This referral was already completed."))
    if Crossing.objects.filter(corrects=referral).exists():
        raise ValidationError(_("This referral was corrected: complete the corrected record."))
    errors = {}
    if decision == Decision.REFERRED:
        errors["decision"] = _("Complete the referral: admit or refuse.")
    errors |= _check_decision(
        actor=actor,
        blocking=any(check.get("blocking") for check in referral.checks),
        decision=decision,
        refusal_reason=refusal_reason,
        override=override,
    )
    if errors:
        raise ValidationError(errors)
    at = timezone.now()
    try:
        with transaction.atomic():
            person = Person.objects.select_for_update().get(pk=referral.person_id)
            crossing = _copy(referral, submission=submission, officer=actor, at=at)
            crossing.resolves = referral
            crossing.decision = decision
            crossing.refusal_reason = refusal_reason if decision == Decision.REFUSED else None
            crossing.note = note.strip()
            crossing.override_by = actor if override else None
            _rule(crossing, referral.document.kind, person.nationality, timezone.localdate(at))
            _write(crossing, person, None)
            audit.record(
                actor=actor,
                action="crossing.referral_completed",
                obj=crossing,
                request=request,
                details={"referral": str(referral.pk), "decision": decision, "override": override},
            )
    except IntegrityError:
        existing = _existing(submission, actor)
        if existing is None:
            raise ValidationError(_("This referral was already completed.")) from None
        return existing
    return crossing


def _copy(original: Crossing, *, submission: uuid.UUID, officer, at: datetime) -> Crossing:
    fields = {
        name: getattr(original, name)
        for name in (
            *DETAIL_FIELDS,
            "person",
            "document",
            "post_id",
            "counter_id",
            "direction",
            "decision",
            "refusal_reason",
            "note",
            "accompanied_by",
            "document_problems",
            "checks",
            "override_by",
            "stay_rule",
            "permitted_until",
        )
    }
    return Crossing(submission=submission, officer=officer, at=at, **fields)


def crossing_correct(
    *,
    actor,
    original: Crossing,
    submission: uuid.UUID,
    reason: str,
    void: bool = False,
    direction: str | None = None,
    at: datetime | None = None,
    decision: str | None = None,
    refusal_reason: RefusalReason | None = None,
    details: Details | None = None,
    note: str | None = None,
    request: HttpRequest | None = None,
) -> Crossing:
    """Record a supervisor's correction of `original`: a new crossing that replaces it.

    The correction carries the crossing in full as it should have been; `void` withdraws it
    (recorded against the wrong traveller, or twice). The original stays as it was.
    """
    existing = _existing(submission, actor)
    if existing is not None:
        return existing
    errors: dict[str, str] = {}
    if actor.role not in INSPECTION_SUPERVISORS or actor.post_id != original.post_id:
        raise ValidationError(_("Only a supervisor of the post can correct its crossings."))
    if Crossing.objects.filter(corrects=original).exists():
        raise ValidationError(_("This crossing was already corrected: correct the latest version."))
    if not reason.strip():
        errors["reason"] = _("Say why the crossing is corrected.")
    crossing = _copy(original, submission=submission, officer=actor, at=original.at)
    crossing.corrects = original
    crossing.void = void
    crossing.correction_reason = reason.strip()
    crossing.shift = original.shift
    if direction is not None:
        if direction not in Direction.values:
            errors["direction"] = _("Choose entry or exit.")
        crossing.direction = direction
    if at is not None:
        if at > timezone.now():
            errors["at"] = _("The time of crossing cannot be in the future.")
        crossing.at = at
    if decision is not None:
        crossing.decision = decision
        crossing.refusal_reason = refusal_reason if decision == Decision.REFUSED else None
    if note is not None:
        crossing.note = note.strip()
    if details is not None:
        for name in DETAIL_FIELDS:
            setattr(crossing, name, getattr(details, name))
        errors |= _check_details(
            details, crossing.direction, crossing.decision, original.person.nationality
        )
    if not void:
        errors |= _check_decision(
            actor=actor,
            blocking=False,
            decision=crossing.decision,
            refusal_reason=crossing.refusal_reason,
            override=False,
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            person = Person.objects.select_for_update().get(pk=original.person_id)
            day = timezone.localdate(crossing.at)
            _rule(crossing, original.document.kind, person.nationality, day)
            crossing.stay_days, crossing.overstay_days = None, 0
            _write(crossing, person, None)
            audit.record(
                actor=actor,
                action="crossing.corrected",
                obj=crossing,
                request=request,
                details={
                    "original": str(original.pk),
                    "void": void,
                    "reason": crossing.correction_reason,
                    "changed": _changes(original, crossing),
                },
            )
    except IntegrityError:
        raise ValidationError(
            _("This crossing was already corrected: correct the latest version.")
        ) from None
    return crossing


def _changes(before: Crossing, after: Crossing) -> dict:
    names = (*DETAIL_FIELDS, "direction", "at", "decision", "refusal_reason", "note", "void")
    changed = {}
    for name in names:
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            changed[name] = [str(old) if old is not None else None, str(new) if new else None]
    return changed


# --- Data-quality cases ------------------------------------------------------------------------


def case_review(*, actor, case: StayCase, note: str, request: HttpRequest | None = None) -> None:
    """Mark a data-quality case reviewed by a supervisor of its post."""
    if actor.role not in INSPECTION_SUPERVISORS or actor.post_id != case.post_id:
        raise ValidationError(_("Only a supervisor of the post can review this case."))
    if case.reviewed_at is not None:
        raise ValidationError(_("This case was already reviewed."))
    with transaction.atomic():
        case.reviewed_at = timezone.now()
        case.reviewed_by = actor
        case.review_note = note.strip()
        case.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        audit.record(
            actor=actor,
            action="stay_case.reviewed",
            object_type="crossings.staycase",
            object_id=str(case.pk),
            request=request,
            details={"code": case.code, "person": str(case.person_id), "note": case.review_note},
        )


# --- Stay rules --------------------------------------------------------------------------------

RULE_FIELDS = (
    "description",
    "nationality",
    "document_kind",
    "residence",
    "allowance",
    "days",
    "priority",
    "is_active",
)


def _rule_errors(rule: StayRule) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not RULE_CODE_RE.fullmatch(rule.code):
        errors["code"] = _(
            "A rule code is capital letters, digits and underscores, such as VISITOR."
        )
    if not rule.description.strip():
        errors["description"] = _("Describe who the rule is for.")
    for name in ("nationality", "residence"):
        code = getattr(rule, name)
        if code and not Country.objects.filter(code=code).exists():
            errors[name] = _("Choose a state from the list, or leave it blank for any.")
    if rule.document_kind and rule.document_kind not in DocumentKind.values:
        errors["document_kind"] = _("Choose a kind of document from the list.")
    if rule.allowance not in AllowanceKind.values:
        errors["allowance"] = _("Choose the permitted stay.")
    elif rule.allowance == AllowanceKind.DAYS:
        if rule.days is None or not 1 <= rule.days <= MAX_DAYS:
            errors["days"] = _("Give a number of days from 1 to 36525.")
    else:
        rule.days = None
    return errors


def _ambiguous_pairs(rules: list[StayRule]) -> list[tuple[str, str | None]]:
    faults = domain.faults([stays.as_domain_rule(r) for r in rules])
    return [(fault.rule, fault.other) for fault in faults if fault.code == "ambiguous"]


def _conflicts(rule: StayRule) -> dict[str, str]:
    """Refuse a change that leaves two active rules ambiguous (domain.stay.faults)."""
    current = stays.active_rules()
    others = [r for r in current if r.pk != rule.pk]
    candidates = [*others, rule] if rule.is_active else others
    by_code = {r.code: r for r in candidates}
    known = set(_ambiguous_pairs(current))
    for pair in _ambiguous_pairs(candidates):
        if rule.code in pair:
            other = by_code[pair[1] if pair[0] == rule.code else pair[0]]
            if (other.allowance, other.days) == (rule.allowance, rule.days):
                message = _(
                    "This rule and the rule %(other)s apply to exactly the same travellers "
                    "with the same priority: deactivate one of them, or give one a higher "
                    "priority."
                )
            else:
                message = _(
                    "This rule and the rule %(other)s apply to the same travellers with the "
                    "same priority but permit different stays: give one of them a higher "
                    "priority."
                )
            return {"priority": message % {"other": other.code}}
        if pair not in known:
            return {
                "__all__": _(
                    "Without this rule as it was, the rules %(rule)s and %(other)s would "
                    "apply to the same travellers with the same priority but permit "
                    "different stays: give one of them a higher priority first."
                )
                % {"rule": pair[0], "other": pair[1]}
            }
    return {}


def stay_rule_save(
    *,
    actor,
    rule: StayRule | None = None,
    code: str = "",
    request: HttpRequest | None = None,
    **fields,
) -> StayRule:
    """Create a stay rule, or change one; rules are never deleted, only deactivated."""
    creating = rule is None
    if creating:
        rule = StayRule(code=code.strip().upper())
    before = {name: getattr(rule, name) for name in RULE_FIELDS}
    for name, value in fields.items():
        if name not in RULE_FIELDS:
            raise TypeError(f"unknown field {name}")
        setattr(
            rule, name, value.strip().upper() if name in ("nationality", "residence") else value
        )
    errors = _rule_errors(rule)
    if creating and StayRule.objects.filter(code=rule.code).exists():
        errors["code"] = _("A rule with this code exists already.")
    if not errors:
        errors = _conflicts(rule)
    if errors:
        raise ValidationError(errors)
    changed = {
        name: [before[name], getattr(rule, name)]
        for name in RULE_FIELDS
        if creating or before[name] != getattr(rule, name)
    }
    if not changed and not creating:
        return rule
    with transaction.atomic():
        rule.updated_at = timezone.now()
        rule.save()
        audit.record(
            actor=actor,
            action="stay_rule.created" if creating else "stay_rule.updated",
            obj=rule,
            request=request,
            details={"code": rule.code, "changed": changed},
        )
    return rule
