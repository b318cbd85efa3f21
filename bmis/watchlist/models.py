"""Alert lists and their entries: wanted persons, and lost, stolen or invalid documents.

Headquarters owns the lists; posts receive them by synchronisation. An entry is never deleted,
only deactivated; every change to a list or its entries bumps the list's `version`, which the
screening index (screening.py) and, later, every screened crossing record.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bmis.core.models import SyncedModel


class Kind(models.TextChoices):
    PERSONS = "persons", _("Persons")
    DOCUMENTS = "documents", _("Documents")


class Action(models.TextChoices):
    ARREST = "arrest", _("Arrest")
    DENY = "deny", _("Deny entry or exit")
    REFER = "refer", _("Refer to secondary inspection")
    MONITOR = "monitor", _("Monitor discreetly")
    SEIZE = "seize", _("Seize the document")


class Priority(models.TextChoices):
    HIGH = "high", _("High: blocks the decision")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class DocumentStatus(models.TextChoices):
    LOST = "lost", _("Lost")
    STOLEN = "stolen", _("Stolen")
    STOLEN_BLANK = "stolen_blank", _("Stolen blank")
    REVOKED = "revoked", _("Revoked")
    INVALID = "invalid", _("Invalid")


class WatchListQuerySet(models.QuerySet):
    def in_force(self, day=None):
        """Return the active lists valid on `day` (today by default)."""
        day = day or timezone.localdate()
        return self.filter(is_active=True).exclude(valid_from__gt=day).exclude(valid_until__lt=day)


class WatchList(SyncedModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("holds"), max_length=10, choices=Kind.choices)
    owner = models.CharField(_("owner"), max_length=200)
    source = models.CharField(_("source"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    threshold = models.FloatField(_("alert threshold"), default=0.9)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = WatchListQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert list")
        verbose_name_plural = _("alert lists")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Entry(SyncedModel):
    """What person and document entries share: their list, reference, state and fingerprint."""

    watchlist = models.ForeignKey(
        WatchList, verbose_name=_("list"), on_delete=models.PROTECT, related_name="+"
    )
    source_ref = models.CharField(_("reference at the source"), max_length=100)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    fingerprint = models.CharField(max_length=64, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        abstract = True


class ListedPerson(Entry):
    """A person on a list (domain.screening.PersonEntry): names in any script and evidence."""

    primary_name = models.CharField(_("name"), max_length=300)
    names = models.JSONField(_("names and aliases"), default=list)
    birth_dates = models.JSONField(_("dates of birth"), default=list, blank=True)
    birth_places = models.JSONField(_("places of birth"), default=list, blank=True)
    nationalities = models.JSONField(_("nationalities"), default=list, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    documents = models.JSONField(_("documents"), default=list, blank=True)

    class Meta:
        verbose_name = _("listed person")
        verbose_name_plural = _("listed persons")
        constraints = [
            models.UniqueConstraint(fields=["watchlist", "source_ref"], name="one_person_per_ref")
        ]
        indexes = [
            models.Index(fields=["watchlist", "is_active"]),
            # The entries changed since a screening index was built (bmis/watchlist/screening.py).
            models.Index(fields=["watchlist", "updated_at"]),
        ]

    def __str__(self) -> str:
        return self.primary_name


class ListedDocument(Entry):
    """A lost, stolen or invalid document on a list (domain.screening.DocumentEntry)."""

    number = models.CharField(_("document number"), max_length=40)
    issuing_state = models.CharField(_("issuing state"), max_length=3, blank=True)
    document_type = models.CharField(_("document type"), max_length=4, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=DocumentStatus.choices)

    class Meta:
        verbose_name = _("listed document")
        verbose_name_plural = _("listed documents")
        constraints = [
            models.UniqueConstraint(fields=["watchlist", "source_ref"], name="one_document_per_ref")
        ]
        indexes = [
            models.Index(fields=["watchlist", "is_active"]),
            models.Index(fields=["watchlist", "updated_at"]),
            models.Index(fields=["number"]),
        ]

    def __str__(self) -> str:
        return f"{self.issuing_state} {self.number}"


class HitReview(SyncedModel):
    """A supervisor's resolution of a hit on a traveller: a true match, or a false positive.

    A false positive keeps the same entry from being raised again for the same traveller for as
    long as it is in force; withdrawing it (`withdrawn_at`) raises the entry again. Reviews are
    never deleted.
    """

    class Outcome(models.TextChoices):
        TRUE_MATCH = "true_match", _("True match")
        FALSE_POSITIVE = "false_positive", _("False positive")

    crossing = models.ForeignKey(
        "crossings.Crossing", verbose_name=_("crossing"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "crossings.Person",
        verbose_name=_("traveller"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # led by the index (person, entry_id) in Meta
    )
    watchlist = models.ForeignKey(
        WatchList, verbose_name=_("list"), on_delete=models.PROTECT, related_name="+"
    )
    entry_id = models.UUIDField(_("entry"))
    kind = models.CharField(_("kind of hit"), max_length=10)
    outcome = models.CharField(_("resolution"), max_length=15, choices=Outcome.choices)
    reason = models.TextField(_("reason"))
    reviewed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("hit review")
        verbose_name_plural = _("hit reviews")
        indexes = [models.Index(fields=["person", "entry_id"])]

    def __str__(self) -> str:
        return f"{self.outcome} {self.entry_id}"


class RetroHitQuerySet(models.QuerySet):
    def visible_to(self, user):
        from bmis.accounts.roles import POST_ROLES

        if user.role in POST_ROLES:
            return self.filter(crossing__post_id=user.post_id)
        return self

    def open(self):
        return self.filter(reviewed_at__isnull=True)


class RetroHit(SyncedModel):
    """A hit found after the crossing, when a list changed and recent crossings were screened
    again (services.rescreen): for the post's supervisors and for headquarters."""

    crossing = models.ForeignKey(
        "crossings.Crossing",
        verbose_name=_("crossing"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # led by the unique constraint one_retro_hit_per_entry in Meta
    )
    watchlist = models.ForeignKey(
        WatchList, verbose_name=_("list"), on_delete=models.PROTECT, related_name="+"
    )
    list_version = models.PositiveIntegerField(_("list version"))
    entry_id = models.UUIDField(_("entry"))
    kind = models.CharField(_("kind of hit"), max_length=10)
    score = models.FloatField(_("score"))
    message = models.TextField(_("explanation"))
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(_("note"), blank=True)

    objects = RetroHitQuerySet.as_manager()

    class Meta:
        verbose_name = _("retroactive hit")
        verbose_name_plural = _("retroactive hits")
        ordering = ["-found_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["crossing", "watchlist", "entry_id"], name="one_retro_hit_per_entry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.watchlist.code} {self.entry_id}"
