"""The journeys of synthetic travellers: who they are, where and when they cross.

A traveller who lives abroad comes and leaves again (`visits`); one who lives in Haiti is first
seen coming home, then goes abroad and comes back (`sojourns`), so that every traveller's first
crossing is an entry, as it would be had the system always been there. Days are drawn by each
post's weights (weekdays, months), hours by the kind of post and the direction.
"""

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock

from django.utils import timezone

from bmis.crossings import stays
from bmis.crossings.models import Decision, Direction
from bmis.crossings.traffic.data import (
    ADDRESSES,
    AGES,
    COACHES,
    CULTURES,
    DIASPORA,
    HOURS,
    MONTHS,
    POSTS,
    PROFILES,
    PURPOSES,
    REASONS,
    ROUTES,
    SHIPS,
    STAY_MEDIANS,
    TRIPS,
    VISITORS,
    WEEKDAYS,
    WINDOW_DAYS,
)
from bmis.posts.models import Post
from bmis.reference.models import Country, RefusalReason, TravelPurpose


class Weighted:
    """Items drawn by weight, the cumulative table built once."""

    def __init__(self, weights: dict) -> None:
        self.items = list(weights)
        self.cumulative: list[float] = []
        total = 0.0
        for weight in weights.values():
            total += weight
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


DRAW_PROFILE = Weighted(PROFILES)
DRAW_POSTS = {profile: Weighted(weights) for profile, weights in POSTS.items()}
DRAW_TRIPS = {profile: Weighted(weights) for profile, weights in TRIPS.items()}
DRAW_PURPOSE = {profile: Weighted(weights) for profile, weights in PURPOSES.items()}
DRAW_AGE = Weighted(AGES)
DRAW_DIASPORA = Weighted(DIASPORA)
DRAW_VISITOR = Weighted(
    {(code, Weighted(cultures), cards): weight for code, weight, cultures, cards in VISITORS}
)
DRAW_HOUR = {key: (first, Weighted(dict(enumerate(w)))) for key, (first, w) in HOURS.items()}
NAMES = {
    culture: (men.split("|"), women.split("|"), surnames.split("|"), count)
    for culture, (men, women, surnames, count) in CULTURES.items()
}


def lognormal_days(rng: random.Random, median: float, sigma: float, low: int, high: int) -> int:
    return max(low, min(high, round(rng.lognormvariate(0, sigma) * median)))


@dataclass
class Traveller:
    profile: str
    nationality: str
    residence: str
    culture: str
    document: str  # "P" a passport (TD3), "I" an identity card (TD1), or "border_card"


@dataclass
class Event:
    at: datetime
    direction: str
    post: str
    details: dict
    decision: str = Decision.ADMITTED
    refusal: str | None = None
    completes: bool = False  # completes the referral just before it


class Journeys:
    """The random draws of one run: travellers and their crossings, as events in time order."""

    def __init__(self, *, posts: dict[str, Post], seed: int, run: int, end: datetime) -> None:
        # Not for secrets: a seeded generator, so that a seed gives the same traffic.
        self.rng = random.Random(f"openbmis-traffic:{seed}:{run}")  # noqa: S311
        self.zone = stays.zone()
        self.end = end.replace(microsecond=0)
        self.today = timezone.localdate(self.end, self.zone)
        self.first_day = self.today - timedelta(days=WINDOW_DAYS - 1)
        self.posts = posts
        self.kinds = {code: post.kind for code, post in posts.items()}
        self.days = {code: self._day_table(code) for code in posts}
        self.countries = set(Country.objects.filter(is_active=True).values_list("code", flat=True))
        self.purposes = set(
            TravelPurpose.objects.filter(is_active=True).values_list("code", flat=True)
        )
        active = RefusalReason.objects.filter(is_active=True).values_list("code", flat=True)
        self.reasons = Weighted({code: REASONS.get(code, 1) for code in active})

    def _day_table(self, code: str) -> list[float]:
        kind = self.kinds[code]
        weekdays = WEEKDAYS.get(code) or WEEKDAYS[kind]
        cumulative, total = [], 0.0
        for n in range(WINDOW_DAYS):
            day = self.first_day + timedelta(days=n)
            total += weekdays[day.weekday()] * MONTHS[kind][day.month - 1]
            cumulative.append(total)
        return cumulative

    # Days and times.

    def day(self, code: str, after: int = 0) -> int:
        """Draw a day (its index in the window) at post `code`, on or after day `after`."""
        table = self.days[code]
        low = table[after - 1] if 0 < after <= len(table) else 0.0
        return min(bisect(table, low + self.rng.random() * (table[-1] - low)), WINDOW_DAYS - 1)

    def moment(self, code: str, index: int, direction: str) -> datetime:
        kind = self.kinds[code]
        day = self.first_day + timedelta(days=index)
        first, hours = DRAW_HOUR[(kind, direction, kind == "air" and day.weekday() >= 5)]
        hour = first + hours.pick(self.rng)
        at = clock(hour, self.rng.randrange(60), self.rng.randrange(60))
        return datetime.combine(day, at, tzinfo=self.zone)

    def index_of(self, at: datetime) -> int:
        return (timezone.localdate(at, self.zone) - self.first_day).days

    def exit_after(self, entry: datetime, code: str, days: int) -> datetime:
        """Return the time of leaving at `code` on the `days`th day of a stay begun at `entry`."""
        at = self.moment(code, self.index_of(entry) + days - 1, Direction.EXIT)
        if at <= entry:  # the same day: a few hours later, before midnight
            later = entry + timedelta(minutes=self.rng.randrange(40, 360))
            midnight = datetime.combine(
                timezone.localdate(entry, self.zone), clock(23, 30), tzinfo=self.zone
            )
            at = max(min(later, midnight), entry + timedelta(minutes=5))
        return at

    # Travellers.

    def traveller(self) -> Traveller:
        rng = self.rng
        profile = DRAW_PROFILE.pick(rng)
        if profile in ("diaspora", "resident", "haitian_land"):
            residence = DRAW_DIASPORA.pick(rng) if profile == "diaspora" else "HTI"
            document = "I" if profile == "haitian_land" and rng.random() < 0.4 else "P"
            return Traveller(profile, "HTI", residence, "haitian", document)
        if profile == "border_card":
            return Traveller(profile, "DOM", "DOM", "hispanic", "border_card")
        if profile == "dominican":
            return Traveller(profile, "DOM", "DOM", "hispanic", "I" if rng.random() < 0.3 else "P")
        if profile == "sea" and rng.random() < 0.3:
            return Traveller(profile, "HTI", "HTI", "haitian", "P")
        nationality, cultures, cards = DRAW_VISITOR.pick(rng)
        document = "I" if rng.random() < cards else "P"
        residence = "HTI" if rng.random() < 0.06 else nationality  # expatriates living in Haiti
        return Traveller(profile, nationality, residence, cultures.pick(rng), document)

    # Journeys.

    def post_for(self, who: Traveller) -> str:
        draw = DRAW_POSTS[who.profile]
        if who.profile == "diaspora" and who.residence == "DOM":
            draw = DRAW_POSTS["dominican"]
        for _ in range(20):
            code = draw.pick(self.rng)
            if code in self.posts:
                return code
        return next(iter(self.posts))

    def purpose(self, who: Traveller) -> str | None:
        if who.nationality != "HTI" and who.residence == "HTI":
            code = "resident_return"
        else:
            code = DRAW_PURPOSE[who.profile].pick(self.rng)
        if code in self.purposes:
            return code
        if who.nationality == "HTI":
            return None
        return "other" if "other" in self.purposes else min(self.purposes)

    def stay_days(self, who: Traveller, purpose: str | None) -> int:
        rng = self.rng
        if who.profile == "border_card":
            return 2 if rng.random() < 0.02 else 1  # a few stay the night: a day over
        if who.profile == "diaspora":
            return lognormal_days(rng, 18, 0.6, 3, 150)
        if who.nationality != "HTI" and rng.random() < 0.03:
            return rng.randrange(91, 240)  # past the visitors' 90 days
        return lognormal_days(rng, STAY_MEDIANS.get(purpose or "", 7), 0.7, 1, 90)

    def details(self, who: Traveller, code: str, direction: str, purpose, stay: int) -> dict:
        rng, kind = self.rng, self.kinds[code]
        found = {"mode": kind, "purpose_id": purpose, "residence": who.residence}
        if kind == "air":
            routes = ROUTES.get(code) or ROUTES["air"]
            carrier, prefix, town, country, inbound, outbound, _ = rng.choices(
                routes, weights=[route[-1] for route in routes]
            )[0]
            flight = f"{prefix}{inbound if direction == Direction.ENTRY else outbound}"
            found |= {"carrier": carrier, "flight": flight, "place": town}
        elif kind == "land":
            country = "DOM"
            vehicle = rng.choice(COACHES) if code == "MAL" else ""
            found |= {"vehicle": vehicle, "place": self.posts[code].facing}
        else:
            vessel, town, country = rng.choice(SHIPS)
            found |= {"vehicle": vessel, "place": town}
        found["place_country"] = country if country in self.countries else ""
        if direction == Direction.ENTRY and who.nationality != "HTI" and stay:
            found["intended_stay_days"] = min(stay, 90)
            if who.profile != "border_card":
                found["address"] = rng.choice(ADDRESSES)
        return found

    def arrive(self, who: Traveller, code: str, at: datetime, details: dict) -> list[Event]:
        """Return the events of an arrival: admitted, refused, or referred then completed."""
        rng = self.rng
        foreign = who.nationality != "HTI"
        refuse, refer = (0.005, 0.015) if foreign else (0.0, 0.002)
        if who.profile == "border_card":
            refuse, refer = 0.002, 0.003
        draw = rng.random()
        if draw < refuse:
            return [Event(at, Direction.ENTRY, code, details, "refused", self.reasons.pick(rng))]
        if draw < refuse + refer:
            done = at + timedelta(minutes=rng.randrange(20, 150))
            if done > self.end:
                return []
            referral = Event(at, Direction.ENTRY, code, details, Decision.REFERRED)
            completion = Event(done, Direction.ENTRY, code, details, completes=True)
            if foreign and rng.random() < 0.1:
                completion.decision, completion.refusal = "refused", self.reasons.pick(rng)
            return [referral, completion]
        return [Event(at, Direction.ENTRY, code, details)]

    def visits(self, who: Traveller) -> list[Event]:
        """Return the crossings of a traveller who comes to Haiti and leaves again."""
        rng, events = self.rng, []
        codes = [self.post_for(who) for _ in range(DRAW_TRIPS[who.profile].pick(rng))]
        free_from = None
        for index, code in sorted((self.day(code), code) for code in codes):
            entry_at = self.moment(code, index, Direction.ENTRY)
            if entry_at > self.end or (free_from is not None and entry_at <= free_from):
                continue
            purpose = self.purpose(who)
            days = self.stay_days(who, purpose)
            details = self.details(who, code, Direction.ENTRY, purpose, days)
            arrival = self.arrive(who, code, entry_at, details)
            if not arrival:
                continue
            events += arrival
            if arrival[-1].decision != Decision.ADMITTED:
                break  # sent back, and not seen again
            out = code
            if self.kinds[code] == "air" and rng.random() < 0.1:
                out = self.post_for(who)
            exit_at = self.exit_after(arrival[-1].at, out, days)
            if exit_at > self.end:
                break  # still in the country
            details = self.details(who, out, Direction.EXIT, purpose, 0)
            events.append(Event(exit_at, Direction.EXIT, out, details))
            free_from = exit_at + timedelta(hours=12)
        return events

    def sojourns(self, who: Traveller) -> list[Event]:
        """Return the crossings of a traveller who lives in Haiti: back home, then trips abroad."""
        rng = self.rng
        code = self.post_for(who)
        first = self.day(code) // 2
        at = self.moment(code, first, Direction.ENTRY)
        details = self.details(who, code, Direction.ENTRY, self.purpose(who), 0)
        events = self.arrive(who, code, at, details) if at <= self.end else []
        if not events or events[-1].decision != Decision.ADMITTED:
            return events
        home_since = events[-1].at
        codes = [self.post_for(who) for _ in range(DRAW_TRIPS[who.profile].pick(rng) - 1)]
        for index, code in sorted((self.day(code, first + 1), code) for code in codes):
            exit_at = self.moment(code, index, Direction.EXIT)
            if exit_at > self.end or exit_at <= home_since + timedelta(hours=12):
                continue
            details = self.details(who, code, Direction.EXIT, None, 0)
            events.append(Event(exit_at, Direction.EXIT, code, details))
            if who.profile == "haitian_land" and rng.random() < 0.5:
                away = 1  # the market across the border: back the same day
            else:
                away = lognormal_days(rng, 12 if who.profile == "resident" else 30, 0.7, 1, 120)
            back = self.moment(code, self.index_of(exit_at) + away - 1, Direction.ENTRY)
            if back <= exit_at:
                back = exit_at + timedelta(minutes=rng.randrange(90, 300))
            if back > self.end:
                break  # abroad now
            details = self.details(who, code, Direction.ENTRY, self.purpose(who), 0)
            arrival = self.arrive(who, code, back, details)
            if not arrival:
                break
            events += arrival
            if arrival[-1].decision != Decision.ADMITTED:
                break  # a foreign resident refused: not seen again
            home_since = arrival[-1].at
        return events
