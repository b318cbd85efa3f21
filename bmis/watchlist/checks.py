"""Screening at the counter: the check this app adds to the counter's pipeline.

Every traveller is screened against the lists in force before the officer decides. The result
stored with the crossing names the version of every list used. A hit shows its explanation and
the list's action; a hit on a high-priority list blocks a plain admission until a supervisor
resolves it (services.hit_review). A list that asks for discreet monitoring shows nothing at the
counter: its hit is stored as a silent result. A hit a supervisor cleared as a false positive for
this traveller is not raised again while that review stands.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bmis.crossings.checks import Check, register, register_guard, register_resolver
from bmis.watchlist.models import Action, HitReview, Priority, WatchList
from bmis.watchlist.screening import ListHit, screen
from domain.screening import PartialDate, Traveller

HOW = {
    "exact": gettext_lazy("same"),
    "transliteration": gettext_lazy("same once transliterated"),
    "particle": gettext_lazy("same without the particle"),
    "typo": gettext_lazy("close spelling"),
    "phonetic": gettext_lazy("sounds alike"),
    "initial": gettext_lazy("initial"),
    "prefix": gettext_lazy("cut short"),
    "compound": gettext_lazy("written as one or two words"),
}
FIELD = {
    "birth_date": gettext_lazy("date of birth"),
    "nationality": gettext_lazy("nationality"),
    "sex": gettext_lazy("sex"),
    "document_number": gettext_lazy("document number"),
    "issuing_state": gettext_lazy("issuing state"),
}
OUTCOME = {
    "match": gettext_lazy("agrees"),
    "partial": gettext_lazy("agrees as far as known"),
    "swapped": gettext_lazy("day and month swapped"),
    "ocr": gettext_lazy("agrees once look-alike characters are read alike"),
    "near": gettext_lazy("close"),
    "mismatch": gettext_lazy("differs"),
    "unknown": gettext_lazy("not known"),
    "any": gettext_lazy("any state"),
}


def traveller_of(reading) -> Traveller:
    """Return the traveller a counter's reading describes, for the screening engine."""
    birth = reading.birth_date
    return Traveller(
        surname=reading.surname,
        given_names=reading.given_names,
        birth_date=PartialDate(birth.year, birth.month, birth.day) if birth else None,
        nationality=reading.nationality,
        sex=reading.sex,
        document_number=reading.number,
        document_country=reading.issuing_state,
        name_truncated=reading.name_truncated,
    )


def describe(hit: ListHit) -> str:
    """Return the sentence the officer reads for a hit: what matched, how, and the action."""
    explanation = hit.explanation
    parts = []
    if explanation.name is not None:
        pairs = "; ".join(
            f"{part.traveller} / {part.entry} ({HOW.get(part.how, part.how)})"
            for part in explanation.name.parts
        )
        parts.append(
            _("Name matches “%(name)s”: %(pairs)s.")
            % {"name": explanation.name.entry_name, "pairs": pairs}
        )
    fields = "; ".join(
        f"{FIELD.get(check.field, check.field)}: {OUTCOME.get(check.outcome, check.outcome)}"
        for check in explanation.fields
        if check.outcome != "unknown"
    )
    if fields:
        parts.append(fields[:1].upper() + fields[1:] + ".")
    head = _("On the list %(list)s (score %(score)s %%): %(action)s.") % {
        "list": hit.watchlist.code,
        "score": round(hit.score * 100),
        "action": hit.watchlist.get_action_display(),
    }
    return " ".join([head, *parts])


def _cleared(person) -> set[str]:
    if person is None:
        return set()
    reviews = HitReview.objects.filter(
        person=person, outcome=HitReview.Outcome.FALSE_POSITIVE, withdrawn_at__isnull=True
    )
    return {str(entry) for entry in reviews.values_list("entry_id", flat=True)}


@register
def screening(inspection):
    lists = list(WatchList.objects.in_force())
    if not lists:
        yield Check(
            "lists_missing",
            "warning",
            _("No alert list is loaded: the traveller was not screened."),
        )
        return
    newest = max(watchlist.updated_at for watchlist in lists)
    stale = timezone.now() - newest > timedelta(days=settings.BMIS_WATCHLIST_MAX_AGE_DAYS)
    started = time.perf_counter()  # how long screening takes: the system's evaluation
    cleared = _cleared(inspection.person)
    hits = list(screen(traveller_of(inspection.reading), lists))
    took = round((time.perf_counter() - started) * 1000, 1)
    yield Check(
        "lists",
        "warning" if stale else "ok",
        (
            _(
                "Alert lists as of %(date)s: older than %(days)s days. Check the link to "
                "headquarters."
            )
            if stale
            else _("Screened against the alert lists as of %(date)s.")
        )
        % {
            "date": date_format(timezone.localtime(newest), "SHORT_DATETIME_FORMAT"),
            "days": settings.BMIS_WATCHLIST_MAX_AGE_DAYS,
        },
        details={
            "versions": {watchlist.code: watchlist.version for watchlist in lists},
            "ms": took,
        },
    )
    for hit in hits:
        watchlist = hit.watchlist
        details = {
            "list": watchlist.code,
            "list_id": str(watchlist.pk),
            "version": watchlist.version,
            "entry": hit.entry_id,
            "kind": hit.kind,
            "score": round(hit.score, 4),
            "action": watchlist.action,
            "priority": watchlist.priority,
        }
        if hit.entry_id in cleared:
            yield Check(
                "watchlist_cleared",
                "notice",
                _("A hit on the list %(list)s was cleared before as a false positive.")
                % {"list": watchlist.code},
                details=details,
            )
        elif watchlist.action == Action.MONITOR:
            yield Check("watchlist_monitor", "silent", "", details=details)
        else:
            yield Check(
                "watchlist_hit",
                "warning" if watchlist.priority == Priority.LOW else "alert",
                describe(hit),
                blocking=watchlist.priority == Priority.HIGH,
                details=details,
            )


@register_resolver
def reviewed(crossing, result: dict) -> bool:
    """Return whether a supervisor cleared this stored hit of `crossing` as a false positive."""
    if result.get("code") != "watchlist_hit":
        return False
    return HitReview.objects.filter(
        crossing=crossing,
        entry_id=result["details"]["entry"],
        outcome=HitReview.Outcome.FALSE_POSITIVE,
        withdrawn_at__isnull=True,
    ).exists()


@register_guard
def confirmed(crossing) -> list[str]:
    """Return why a confirmed hit forbids admitting the traveller (arrest or deny lists)."""
    from bmis.watchlist.services import true_matches_forbidding_admission

    return [
        _(
            "A true match on the list %(list)s calls for its action: the traveller cannot be "
            "admitted."
        )
        % {"list": code}
        for code in true_matches_forbidding_admission(crossing)
    ]
