"""Reads of the post's record pages: the day's crossings, traveller search, stays and lists.

Everything here only reads. The lists start from what the user may see
(`Crossing.objects.visible_to`, `StayCase.objects.visible_to`, `scope_posts`), so that a page
cannot forget the post a user belongs to.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.accounts.roles import POST_ROLES
from bmis.crossings import stays
from bmis.crossings.inspection import name_key
from bmis.crossings.models import Crossing, Decision, Direction, Person, Photo, TravelDocument
from bmis.posts.models import Post
from domain import stay as domain

SEARCH_LIMIT = 50
RECENT_EXIT_DAYS = 90
CROSSING_RELATED = (
    "person",
    "document",
    "post",
    "counter",
    "officer",
    "refusal_reason",
    "override_by",
)


# --- Crossings ---------------------------------------------------------------------------------


def with_state(crossings: QuerySet) -> QuerySet:
    """Annotate crossings with `superseded` (a correction replaced it) and `completed`."""
    return crossings.annotate(
        superseded=Exists(Crossing.objects.filter(corrects=OuterRef("pk"))),
        completed=Exists(Crossing.objects.filter(resolves=OuterRef("pk"))),
    )


def decision_totals(crossings: QuerySet) -> list[tuple[str, str, int]]:
    """Return (decision, label, count) of the crossings that stand, for each decision.

    A record a correction replaced, a withdrawn record and a referral that was completed (its
    completion is counted) are left out, so that each traveller's crossing counts once.
    """
    standing = (
        with_state(crossings)
        .filter(superseded=False, void=False)
        .exclude(decision=Decision.REFERRED, completed=True)
    )
    counts = dict(standing.order_by().values_list("decision").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in Decision.choices]


def latest_version(crossing: Crossing) -> Crossing:
    """Return the version of `crossing` no correction has replaced (itself if none did)."""
    seen = {crossing.pk}
    while True:
        newer = Crossing.objects.filter(corrects=crossing).first()
        if newer is None or newer.pk in seen:
            return crossing
        seen.add(newer.pk)
        crossing = newer


def correction_of(crossing: Crossing) -> Crossing | None:
    """Return the correction that replaced `crossing`, if any."""
    return Crossing.objects.filter(corrects=crossing).select_related("post").first()


def completion_of(crossing: Crossing) -> Crossing | None:
    """Return the crossing that completed the referral `crossing`, if any."""
    return Crossing.objects.filter(resolves=crossing).select_related("post").first()


def photo_crossing(crossing: Crossing) -> Crossing | None:
    """Return the crossing whose photo shows this one's traveller: itself, or an earlier version.

    A correction and a referral's completion are new records without a photo of their own; the
    photo is the one taken at the counter with the record they correct or complete.
    """
    seen = set()
    while crossing is not None and crossing.pk not in seen:
        if Photo.objects.filter(crossing=crossing).exists():
            return crossing
        seen.add(crossing.pk)
        crossing = crossing.corrects or crossing.resolves
    return None


def overstaying_exits(crossings: QuerySet, today: date) -> QuerySet:
    """Return the exits of the last 90 days, in force, made after the permitted stay ended."""
    start = timezone.make_aware(
        datetime.combine(today - timedelta(days=RECENT_EXIT_DAYS - 1), time())
    )
    return (
        crossings.in_force()
        .filter(
            direction=Direction.EXIT,
            decision=Decision.ADMITTED,
            void=False,
            overstay_days__gt=0,
            at__gte=start,
        )
        .select_related("person", "post", "document")
        .order_by("-at")
    )


# --- Posts a list covers -----------------------------------------------------------------------


def scope_posts(user, *, post: Post | None = None, everywhere: bool = False) -> Post | None:
    """Return the post a list is limited to, or None for every post.

    Post roles see their own post unless they ask for the whole country; headquarters sees
    every post unless it picks one.
    """
    if user.role in POST_ROLES:
        return None if everywhere else user.post
    return post


# --- Travellers --------------------------------------------------------------------------------

DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DOCUMENT_NUMBER = re.compile(r"^[A-Z0-9]{1,30}$")


class SearchError(ValueError):
    """The query cannot be searched; the message says why, in the user's language."""


@dataclass
class Search:
    query: str
    birth_date: date | None = None
    name_tokens: list[str] = field(default_factory=list)
    document_number: str = ""
    people: list[Person] = field(default_factory=list)
    count: int = 0

    @property
    def capped(self) -> bool:
        return self.count > len(self.people)


def _as_date(token: str) -> date | None:
    """Return the date a token writes (dd/mm/yyyy or yyyy-mm-dd), None if it writes none."""
    if match := DAY_FIRST.match(token):
        day, month, year = (int(part) for part in match.groups())
    elif match := ISO_DATE.match(token):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        raise SearchError(
            _("%(text)s is not a date: write a date of birth as 31/12/1980 or 1980-12-31.")
            % {"text": token}
        ) from None


def parse_search(query: str) -> Search:
    """Split a query into a date of birth, name words and a document number; raise SearchError."""
    search = Search(query=query)
    words = []
    for token in query.split():
        day = _as_date(token)
        if day is None:
            words.append(token)
        elif search.birth_date not in (None, day):
            raise SearchError(_("Give one date of birth only."))
        else:
            search.birth_date = day
    rest = " ".join(words)
    for word in words:
        search.name_tokens += name_key(word, "").split()
    number = re.sub(r"[\s\-]", "", rest.upper())
    if DOCUMENT_NUMBER.match(number):
        search.document_number = number
    return search


def search_travellers(query: str, limit: int = SEARCH_LIMIT) -> Search:
    """Find travellers by name, document number or date of birth (raise SearchError)."""
    search = parse_search(query)
    people = Person.objects.unmerged()
    if search.birth_date is not None:
        people = people.filter(birth_date=search.birth_date)
    if search.name_tokens or search.document_number:
        by_name = Q(pk__in=[]) if not search.name_tokens else Q()
        for token in search.name_tokens:
            by_name &= Q(name_key__contains=token)
        holders = TravelDocument.objects.filter(number=search.document_number).values("person")
        # A document of a traveller merged into another finds the one they were merged into.
        by_document = Q(pk__in=holders) | Q(merged__person__in=holders)
        people = people.filter(by_name | by_document if search.document_number else by_name)
    elif search.birth_date is None:
        raise SearchError(_("Type a name, a document number or a date of birth."))
    search.count = people.count()
    search.people = list(
        people.select_related("last_crossing__post", "entry_post")
        .prefetch_related(Prefetch("documents", TravelDocument.objects.order_by("-created_at")))
        .order_by("surname", "given_names", "birth_date", "pk")[:limit]
    )
    return search


def overstay_days(person: Person, today: date) -> int:
    """Return the days `person` is past their permitted stay today (0 if not)."""
    if not person.present or person.permitted_until is None:
        return 0
    return max(0, (today - person.permitted_until).days)


@dataclass(frozen=True)
class StayRow:
    """A stay as the profile shows it: the domain's figures and the crossings behind them."""

    stay: domain.Stay
    entry: Crossing
    exit: Crossing | None


def stays_of(crossings: list[Crossing]) -> list[StayRow]:
    """Return a traveller's stays, newest first, from every version of their crossings."""
    found = stays.matching(crossings)
    by_id = {str(crossing.id): crossing for crossing in crossings}
    rows = [
        StayRow(stay, by_id[stay.entry.id], by_id[stay.exit.id] if stay.exit else None)
        for stay in found.stays
    ]
    return rows[::-1]
