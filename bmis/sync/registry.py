"""Which records travel, in which direction, and which of their fields stay at home.

Every record has one writer (the design notes of the synchronisation issue): a post writes what
happens at its counters and pushes it; headquarters writes lists, accounts, rules and reference
data, and every post pulls them. Nothing needs merging.

Derived fields are not carried: where a traveller is (`Person.present`, …) is worked out by
each node from the crossings it holds (`bmis.crossings.stays.refresh`), and a node's own sign-in
bookkeeping (`User.last_login`) is its own.

Attachments (a traveller's photo) are not carried in their record either: a batch of records
stays small and quick to resend, while the content travels beside it, named by its SHA-256 and
sent in chunks that resume where a cut link left them (`bmis.sync.attachments`). `attachments`
maps each such field to the field holding its hash; the field is left out of the record as a
field kept at home is, and filled in from the content before the record is stored.
"""

from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import models

from bmis.crossings import stays


@dataclass(frozen=True)
class Travels:
    label: str  # app_label.Model
    pushed: bool  # born at posts and pushed; else owned by headquarters and pulled
    kept_home: frozenset[str] = frozenset()  # attnames not carried
    # {attname of the content: attname of its SHA-256, hex}: carried beside the record
    attachments: dict[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        # Not in the record: `records.dump` leaves it out, `records.load` gives it its default.
        object.__setattr__(self, "kept_home", self.kept_home | frozenset(self.attachments))

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    @property
    def table(self) -> str:
        return self.model._meta.db_table


# Where a traveller is: what each node works out from the crossings it holds.
PERSON_DERIVED = frozenset(stays.DERIVED)

# In the order a node applies a batch, so that a row comes after the rows it refers to.
TRAVELLING = (
    Travels("reference.Country", pushed=False),
    Travels("reference.RefusalReason", pushed=False),
    Travels("reference.TravelPurpose", pushed=False),
    Travels("posts.Post", pushed=False),
    Travels("posts.Counter", pushed=False),
    Travels("accounts.User", pushed=False, kept_home=frozenset({"last_login"})),
    Travels("accounts.PasswordChange", pushed=True),  # an officer's, at a post: see the model
    Travels("crossings.StayRule", pushed=False),
    Travels("watchlist.WatchList", pushed=False),
    Travels("watchlist.ListedPerson", pushed=False),
    Travels("watchlist.ListedDocument", pushed=False),
    Travels("crossings.Person", pushed=True, kept_home=PERSON_DERIVED),
    Travels("crossings.TravelDocument", pushed=True),
    Travels("crossings.Shift", pushed=True),
    Travels("crossings.Crossing", pushed=True),
    Travels("crossings.PersonMerge", pushed=False),
    Travels("crossings.Photo", pushed=True, attachments={"data": "sha256"}),
    Travels("watchlist.HitReview", pushed=True),
    Travels("watchlist.RetroHit", pushed=True),
    Travels("core.AuditEvent", pushed=True),
)

BY_LABEL = {travels.label: travels for travels in TRAVELLING}

# What a post was born with that stays between it and headquarters: the traveller's photo, the
# post's audit trail, its officers' password changes. Every other record of a post reaches the
# other posts through headquarters, so that a traveller who entered at the airport is matched
# when leaving by land.
PRIVATE = frozenset({"crossings.Photo", "core.AuditEvent", "accounts.PasswordChange"})
SHARED = frozenset(t.label for t in TRAVELLING if t.pushed and t.label not in PRIVATE)


ORDER = {label: position for position, label in enumerate(BY_LABEL)}


@cache  # the models are loaded once: asked for every change of every batch
def by_table() -> dict[str, Travels]:
    return {travels.table: travels for travels in TRAVELLING}


def order(label: str) -> int:
    return ORDER[label]


WITH_ATTACHMENTS = {t.label: t.attachments for t in TRAVELLING if t.attachments}
