"""A supervisor's resolutions of hits: at the counter (true match, false positive) and after."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.core import audit
from bmis.watchlist.models import (
    Action,
    HitReview,
)

CODE_RE = re.compile(r"[A-Z0-9_-]{2,20}", re.ASCII)
PARTIAL_DATE_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?", re.ASCII)
BATCH = 5_000
LIST_FIELDS = (
    "name",
    "kind",
    "owner",
    "source",
    "action",
    "priority",
    "threshold",
    "valid_from",
    "valid_until",
    "is_active",
)


def hit_review(
    *,
    actor,
    crossing,
    entry_id: str,
    outcome: str,
    reason: str,
    request: HttpRequest | None = None,
) -> HitReview:
    """Record a supervisor's resolution of a hit stored with `crossing`.

    A false positive needs a reason, and keeps the entry from being raised again for this
    traveller until it is withdrawn; a true match means the list's action follows.
    """
    from bmis.accounts.roles import INSPECTION_SUPERVISORS

    if actor.role not in INSPECTION_SUPERVISORS or actor.post_id != crossing.post_id:
        raise ValidationError(_("Only a supervisor of the post can resolve this hit."))
    result = next(
        (
            check
            for check in crossing.checks
            if check.get("code") == "watchlist_hit"
            and check.get("details", {}).get("entry") == str(entry_id)
        ),
        None,
    )
    if result is None:
        raise ValidationError(_("This crossing has no such hit."))
    if outcome not in HitReview.Outcome.values:
        raise ValidationError({"outcome": _("Choose true match or false positive.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    details = result["details"]
    with transaction.atomic():
        HitReview.objects.filter(
            crossing=crossing, entry_id=entry_id, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
        review = HitReview.objects.create(
            crossing=crossing,
            person_id=crossing.person_id,
            watchlist_id=details["list_id"],
            entry_id=entry_id,
            kind=details["kind"],
            outcome=outcome,
            reason=reason.strip(),
            reviewed_by=actor,
        )
        audit.record(
            actor=actor,
            action="watchlist.hit_reviewed",
            obj=review,
            request=request,
            details={
                "crossing": str(crossing.pk),
                "list": details["list"],
                "entry": str(entry_id),
                "outcome": outcome,
                "reason": review.reason,
            },
        )
    return review


def hit_review_withdraw(*, actor, review: HitReview, request: HttpRequest | None = None) -> None:
    """Withdraw a review: the entry is raised again for the traveller."""
    if review.withdrawn_at is not None:
        return
    with transaction.atomic():
        review.withdrawn_at = timezone.now()
        review.save(update_fields=["withdrawn_at"])
        audit.record(
            actor=actor,
            action="watchlist.hit_review_withdrawn",
            obj=review,
            request=request,
            details={"entry": str(review.entry_id), "outcome": review.outcome},
        )


def true_matches_forbidding_admission(crossing) -> list[str]:
    """Return the codes of the lists whose confirmed hit forbids admitting the traveller."""
    reviews = HitReview.objects.filter(
        crossing=crossing,
        outcome=HitReview.Outcome.TRUE_MATCH,
        withdrawn_at__isnull=True,
        watchlist__action__in=[Action.ARREST, Action.DENY],
    ).select_related("watchlist")
    return sorted({review.watchlist.code for review in reviews})


def retro_hit_review(*, actor, hit, note: str, request: HttpRequest | None = None) -> None:
    """Mark a retroactive hit reviewed, with what was done about it."""
    from bmis.accounts.roles import INSPECTION_SUPERVISORS, Role

    own_post = actor.role in INSPECTION_SUPERVISORS and actor.post_id == hit.crossing.post_id
    if not own_post and actor.role != Role.WATCHLIST_MANAGER:
        raise ValidationError(
            _("Only a supervisor of the post or a watchlist manager can do this.")
        )
    if hit.reviewed_at is not None:
        raise ValidationError(_("This hit was already reviewed."))
    if not note.strip():
        raise ValidationError({"note": _("Say what was done.")})
    with transaction.atomic():
        hit.reviewed_at = timezone.now()
        hit.reviewed_by = actor
        hit.review_note = note.strip()
        hit.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        audit.record(
            actor=actor,
            action="watchlist.retro_hit_reviewed",
            obj=hit,
            request=request,
            details={
                "crossing": str(hit.crossing_id),
                "list": hit.watchlist.code,
                "note": hit.review_note,
            },
        )
