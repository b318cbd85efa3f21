"""Screening recent crossings again after a list changed: retroactive hits.

A traveller who crossed last week and is listed today is found here: every crossing of the last
`BMIS_RESCREEN_DAYS` days is screened against the lists in force, and each hit that the crossing
did not have when it was recorded (and that no supervisor cleared as a false positive for that
traveller) becomes a `RetroHit` for the post's supervisors and headquarters. Running it again
finds nothing new. Each traveller and document is screened once, however often they crossed.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bmis.core import audit
from bmis.crossings.models import Crossing
from bmis.watchlist.checks import describe
from bmis.watchlist.models import Action, HitReview, RetroHit, WatchList
from bmis.watchlist.screening import ListHit, screen
from domain.screening import PartialDate, Traveller


def _traveller(crossing: Crossing) -> Traveller:
    person, document = crossing.person, crossing.document
    birth = person.birth_date
    return Traveller(
        surname=person.surname,
        given_names=person.given_names,
        birth_date=PartialDate(birth.year, birth.month, birth.day) if birth else None,
        nationality=person.nationality,
        sex=person.sex,
        document_number=document.number,
        document_country=document.issuing_state,
    )


def rescreen(*, actor=None, days: int | None = None) -> int:
    """Screen the crossings of the last `days` days again; return how many new hits were found."""
    days = settings.BMIS_RESCREEN_DAYS if days is None else days
    lists = [watchlist for watchlist in WatchList.objects.in_force()]
    if not lists:
        return 0
    since = timezone.now() - timedelta(days=days)
    crossings = (
        Crossing.objects.in_force()
        .filter(at__gte=since, void=False)
        .select_related("person", "document")
        .order_by("at")
    )
    cleared = set(
        HitReview.objects.filter(
            outcome=HitReview.Outcome.FALSE_POSITIVE, withdrawn_at__isnull=True
        ).values_list("person_id", "entry_id")
    )
    cleared = {(person, str(entry)) for person, entry in cleared}
    known = {
        (crossing, watchlist, str(entry))
        for crossing, watchlist, entry in RetroHit.objects.values_list(
            "crossing_id", "watchlist_id", "entry_id"
        )
    }
    screened: dict[tuple, list[ListHit]] = {}
    found: list[RetroHit] = []
    for crossing in crossings.iterator(chunk_size=2000):
        key = (crossing.person_id, crossing.document_id)
        if key not in screened:
            screened[key] = screen(_traveller(crossing), lists)
        stored = {
            result.get("details", {}).get("entry")
            for result in crossing.checks
            if str(result.get("code", "")).startswith("watchlist_")
        }
        for hit in screened[key]:
            if hit.watchlist.action == Action.MONITOR:
                continue  # discreet monitoring: headquarters sees it in its own list
            if hit.entry_id in stored or (crossing.person_id, hit.entry_id) in cleared:
                continue
            if (crossing.pk, hit.watchlist.pk, hit.entry_id) in known:
                continue
            known.add((crossing.pk, hit.watchlist.pk, hit.entry_id))
            found.append(
                RetroHit(
                    crossing=crossing,
                    watchlist=hit.watchlist,
                    list_version=hit.watchlist.version,
                    entry_id=hit.entry_id,
                    kind=hit.kind,
                    score=round(hit.score, 4),
                    message=describe(hit),
                )
            )
    with transaction.atomic():
        RetroHit.objects.bulk_create(found, batch_size=1000)
        audit.record(
            actor=actor,
            action="watchlist.rescreened",
            details={
                "days": days,
                "travellers": len(screened),
                "new_hits": len(found),
                "versions": {watchlist.code: watchlist.version for watchlist in lists},
            },
        )
    return len(found)
