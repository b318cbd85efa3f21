"""What the evaluation reads besides the crossings: list versions, sync receipts, exchanges.

- When each alert-list version was made: the audit events of the writes that make a version
  (each names the list and the version it made) and each list's own stamp of its current version.
- When headquarters received a post's record: the first entry of headquarters' change log for it
  (`sync.models.Change.at`). A post's node does not know when headquarters received its records.
- When a post exchanged records with headquarters: the audit events `sync.push` and `sync.pull`
  of this node (headquarters': one per session with a post that carried records; a post's: its
  own sessions). A session that carried nothing leaves no event.
"""

import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from itertools import pairwise

from django.conf import settings

from bmis.core.models import AuditEvent, current_node
from bmis.crossings.models import Crossing
from bmis.posts.models import Post
from bmis.sync.models import Change
from bmis.watchlist.models import WatchList

# The audited writes that make a new version of a list (bmis.watchlist.services).
VERSION_ACTIONS = (
    "watchlist.created",
    "watchlist.updated",
    "watchlist.imported",
    "watchlist.entry_added",
    "watchlist.entry_changed",
    "watchlist.entry_deactivated",
    "watchlist.entry_reactivated",
)
CLOCK_SLACK = timedelta(days=1)  # how far ahead of headquarters a post's clock may run
SYNC_ACTIONS = ("sync.push", "sync.pull")


def at_headquarters() -> bool:
    return settings.BMIS_ROLE == "hq"


def version_times() -> dict[tuple[str, int], datetime]:
    """Return when each (list code, version) was made, as far as the records say."""
    times: dict[tuple[str, int], datetime] = {}

    def note(code, version, at) -> None:
        if isinstance(code, str) and isinstance(version, int) and at is not None:
            key = (code, version)
            times[key] = min(times.get(key, at), at)

    events = AuditEvent.objects.filter(action__in=VERSION_ACTIONS).values_list("at", "details")
    for at, details in events.iterator(chunk_size=2000):
        details = details if isinstance(details, dict) else {}
        note(details.get("code") or details.get("list"), details.get("version"), at)
    for code, version, updated in WatchList.objects.values_list("code", "version", "updated_at"):
        note(code, version, updated)
    return times


def receipts(created: dict[uuid.UUID, datetime], low: datetime) -> dict[uuid.UUID, datetime]:
    """Return when headquarters first logged each crossing of `created` (its id: its creation).

    Read at headquarters only: a post's own change log says when it wrote a record, not when
    headquarters received it.
    """
    if not created:
        return {}
    first: dict[uuid.UUID, datetime] = {}
    log = (
        Change.objects.filter(table=Crossing._meta.db_table, at__gte=low - CLOCK_SLACK)
        .exclude(origin=current_node())
        .values_list("row_id", "at")
        .order_by()
    )
    for row_id, at in log.iterator(chunk_size=5000):
        try:
            key = uuid.UUID(row_id)
        except ValueError:
            continue
        if key in created and (key not in first or at < first[key]):
            first[key] = at
    return first


def exchanges(posts: list[Post], low: datetime, high: datetime) -> dict[int, list[datetime]]:
    """Return, for each post whose exchanges this node records, the times of its exchanges
    within [low, high).

    Headquarters records every post's sessions; a post's node records its own only.
    """
    events = AuditEvent.objects.filter(
        origin=current_node(), action__in=SYNC_ACTIONS, at__gte=low, at__lt=high
    )
    times: dict = defaultdict(list)
    if at_headquarters():
        by_key = {str(post.pk): post.pk for post in posts}
        rows = events.filter(object_type="posts.post", object_id__in=list(by_key))
        for object_id, at in rows.values_list("object_id", "at"):
            times[by_key[object_id]].append(at)
        return {post.pk: sorted(times[post.pk]) for post in posts}
    own = [post for post in posts if post.code == settings.BMIS_NODE]
    if not own:
        return {}
    rows = events.filter(object_type="sync.node", object_id=settings.BMIS_NODE)
    return {own[0].pk: sorted(rows.values_list("at", flat=True))}


def silences(moments: list[datetime], low: datetime, high: datetime) -> list[timedelta]:
    """Return the intervals of [low, high) between consecutive exchanges (and the ends)."""
    if high <= low:
        return []
    points = [low, *moments, high]
    return [later - earlier for earlier, later in pairwise(points)]
