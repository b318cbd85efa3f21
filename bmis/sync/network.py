"""Headquarters' view of the network: every active post, its node, and the state it is in.

A post's state is the worst that is true of it, in this order: its node was revoked; it has no
node (not enrolled); its node has not called for more than `BMIS_SILENT_HOURS` (silent); the
node's clock is more than `BMIS_CLOCK_TOLERANCE_SECONDS` from headquarters' (clock wrong); records
wait at the post, or it holds an alert list older than headquarters' (behind); else in sync.

`rows` works on the values it is given, so it is tested without a database or a request;
`read` fetches them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy

from bmis.posts.models import Post
from bmis.sync.models import NodeLink
from bmis.watchlist.models import WatchList


class State(models.TextChoices):
    """Worst first."""

    REVOKED = "revoked", pgettext_lazy("node state", "Revoked")
    NOT_ENROLLED = "not_enrolled", pgettext_lazy("node state", "Not enrolled")
    SILENT = "silent", pgettext_lazy("node state", "Silent")
    CLOCK_WRONG = "clock_wrong", pgettext_lazy("node state", "Clock wrong")
    BEHIND = "behind", pgettext_lazy("node state", "Behind")
    IN_SYNC = "in_sync", pgettext_lazy("node state", "In sync")

    @property
    def tone(self) -> str:
        """The colour of the state's tag: ok, warn or bad; none for a post with no node."""
        return TONES.get(self.value, "")


TONES = {
    "in_sync": "ok",
    "behind": "warn",
    "clock_wrong": "warn",
    "silent": "bad",
    "revoked": "bad",
}


@dataclass(frozen=True)
class ListVersion:
    """One of headquarters' alert lists, the version headquarters holds and the node's."""

    code: str
    current: int
    held: int | None  # None: the node has not said it holds the list

    @property
    def behind(self) -> bool:
        return self.held is None or self.held < self.current


@dataclass(frozen=True)
class Row:
    """A post's line on the page: its node (None if it never had one) and its state."""

    post: Post
    link: NodeLink | None
    state: State
    lists: tuple[ListVersion, ...]
    now: datetime

    @property
    def enrolled(self) -> bool:
        return self.state not in (State.REVOKED, State.NOT_ENROLLED)

    @property
    def heard_from(self) -> bool:
        """Whether a node of the post ever enrolled: what it last said is worth showing."""
        return self.link is not None and self.link.epoch > 0

    @property
    def code_open(self) -> bool:
        """Whether an enrolment code was issued for the post and can still be used."""
        if self.link is None or not self.link.enrolment_code_hash:
            return False
        expires = self.link.enrolment_expires_at
        return expires is not None and expires > self.now

    @property
    def contact_age(self) -> str:
        contact = self.link.last_contact_at if self.link else None
        return duration(self.now - contact) if contact else ""

    @property
    def waiting_age(self) -> str:
        """How old the oldest record waiting at the post is: what a lost node would lose."""
        if not self.link or not self.link.waiting or not self.link.oldest_waiting_at:
            return ""
        return duration(self.now - self.link.oldest_waiting_at)

    @property
    def backup_age(self) -> str:
        """How old the post's last local copy of its database is (`manage.py backup`)."""
        copied = self.link.backup_at if self.link else None
        return duration(self.now - copied) if copied else ""

    @property
    def backup_failing(self) -> bool:
        """Whether the post's last attempt at a local copy failed (a stick out, full, …)."""
        failed = self.link.backup_failed_at if self.link else None
        return bool(failed) and (self.link.backup_at is None or failed > self.link.backup_at)

    @property
    def clock_offset(self) -> str:
        offset = self.link.clock_offset if self.link else None
        return "" if offset is None else f"{round(offset):+d} s"  # never "-0 s"


def _version(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def state(
    link: NodeLink | None,
    lists: Iterable[ListVersion],
    *,
    now: datetime,
    silent_after: timedelta,
    clock_tolerance: float,
) -> State:
    """Return the worst state that is true of the post whose node is `link` (None: no node)."""
    if link is not None and link.revoked_at is not None:
        return State.REVOKED
    if link is None or not link.public_key:
        return State.NOT_ENROLLED
    if link.last_contact_at is None or now - link.last_contact_at > silent_after:
        return State.SILENT
    if link.clock_offset is not None and abs(link.clock_offset) > clock_tolerance:
        return State.CLOCK_WRONG
    if link.waiting > 0 or any(version.behind for version in lists):
        return State.BEHIND
    return State.IN_SYNC


def rows(
    posts,
    links,
    current_lists: dict[str, int],
    *,
    now: datetime,
    silent_after: timedelta,
    clock_tolerance: float,
) -> list[Row]:
    """Return a row per post, in the order given, with its node (if any) and its state.

    `links` are the posts' nodes (any order, some posts may have none); `current_lists` maps
    each of headquarters' alert lists to its version.
    """
    by_post = {link.post_id: link for link in links}
    result = []
    for post in posts:
        link = by_post.get(post.pk)
        held = link.list_versions if link and isinstance(link.list_versions, dict) else {}
        lists = tuple(
            ListVersion(code, current, _version(held.get(code)))
            for code, current in sorted(current_lists.items())
        )
        verdict = state(
            link, lists, now=now, silent_after=silent_after, clock_tolerance=clock_tolerance
        )
        result.append(Row(post=post, link=link, state=verdict, lists=lists, now=now))
    return result


def summary(table: list[Row]) -> list[tuple[State, int]]:
    """Return how many posts are in each state that some post is in, worst first."""
    counts = {verdict: 0 for verdict in State}
    for row in table:
        counts[row.state] += 1
    return [(verdict, count) for verdict, count in counts.items() if count]


def read(*, posts=None, now: datetime | None = None) -> list[Row]:
    """Return the rows of the active posts (or of `posts`), as the database holds them now."""
    posts = list(Post.objects.active() if posts is None else posts)
    links = NodeLink.objects.filter(post__in=posts)
    current_lists = dict(WatchList.objects.values_list("code", "version"))
    return rows(
        posts,
        links,
        current_lists,
        now=now or timezone.now(),
        silent_after=settings.BMIS_SILENT_AFTER,
        clock_tolerance=settings.BMIS_CLOCK_TOLERANCE_SECONDS,
    )


def duration(delta: timedelta) -> str:
    """Return `delta` in words, in the unit that matters: minutes, hours or days."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return gettext("less than a minute")
    if seconds < 2 * 3600:
        minutes = seconds // 60
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    if seconds < 2 * 86400:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    days = seconds // 86400
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
