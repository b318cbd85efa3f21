"""A supervisor's writes: referrals completed, crossings corrected, data-quality cases reviewed.

Each is a new record (or a review) that points to what it completes or corrects; nothing recorded
at the counter is ever changed.
"""

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.accounts.roles import INSPECTION_SUPERVISORS
from bmis.core import audit
from bmis.crossings import checks, identity
from bmis.crossings.models import (
    Crossing,
    Decision,
    Direction,
    Person,
    StayCase,
)
from bmis.crossings.services.crossings import (
    DETAIL_FIELDS,
    Details,
    _check_decision,
    _check_details,
    _existing,
    _rule,
    _write,
)
from bmis.reference.models import RefusalReason


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
    if decision == Decision.ADMITTED and (refusals := checks.admission_refusals(referral)):
        errors["decision"] = " ".join(refusals)
    errors |= _check_decision(
        actor=actor,
        blocking=checks.still_blocking(referral),
        decision=decision,
        refusal_reason=refusal_reason,
        override=override,
    )
    if errors:
        raise ValidationError(errors)
    at = timezone.now()
    try:
        with transaction.atomic():
            person = identity.canonical(
                Person.objects.select_for_update().get(pk=referral.person_id)
            )
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
            person = identity.canonical(
                Person.objects.select_for_update().get(pk=original.person_id)
            )
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
