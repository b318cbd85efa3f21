"""Travellers, their documents, the counters' shifts and the crossings recorded there.

Crossings are append-only: nothing here is ever updated or deleted once written, except the
derived columns of `Person` (where the traveller is now) and the `StayCase` table, which
`services.person_refresh` recomputes from the crossings after every write. A supervisor's
correction is a new `Crossing` whose `corrects` names the record it replaces; the completion of a
referral to secondary inspection is a new `Crossing` whose `resolves` names the referral.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bmis.core.models import AppendOnlyModel, AppendOnlyQuerySet, SyncedModel
from bmis.posts.models import Counter, Post
from bmis.reference.models import RefusalReason, TravelPurpose


class Direction(models.TextChoices):
    ENTRY = "entry", pgettext_lazy("direction", "Entry")
    EXIT = "exit", pgettext_lazy("direction", "Exit")


class Decision(models.TextChoices):
    ADMITTED = "admitted", pgettext_lazy("decision", "Admitted")
    REFUSED = "refused", pgettext_lazy("decision", "Refused")
    REFERRED = "referred", pgettext_lazy("decision", "Referred to secondary")


class Mode(models.TextChoices):
    AIR = "air", pgettext_lazy("mode of transport", "Air")
    SEA = "sea", pgettext_lazy("mode of transport", "Sea")
    LAND = "land", pgettext_lazy("mode of transport", "Land")


class Sex(models.TextChoices):
    FEMALE = "F", pgettext_lazy("sex", "Female")
    MALE = "M", pgettext_lazy("sex", "Male")
    UNSPECIFIED = "X", pgettext_lazy("sex", "Unspecified")


class DocumentKind(models.TextChoices):
    """The kinds of travel document a crossing is made on; stay rules name them."""

    PASSPORT = "passport", _("Passport")
    ID_CARD = "id_card", _("Identity card")
    LAISSEZ_PASSER = "laissez_passer", _("Laissez-passer")
    BORDER_CARD = "border_card", _("Border card")
    TRAVEL_DOCUMENT = "travel_document", _("Refugee or stateless travel document")
    OTHER = "other", _("Other document")


class AllowanceKind(models.TextChoices):
    DAYS = "days", _("A number of days")
    UNLIMITED = "unlimited", _("Unlimited")
    SAME_DAY = "same_day", _("Same day")


class PersonQuerySet(models.QuerySet):
    def present(self):
        """Return the travellers in the country as far as the records show."""
        return self.filter(present=True, merge__isnull=True)

    def overstaying(self, today):
        """Return the travellers in the country past the last day of their permitted stay."""
        return self.filter(present=True, permitted_until__lt=today, merge__isnull=True)

    def unmerged(self):
        """Return the travellers that are not merged into another (bmis.crossings.identity)."""
        return self.filter(merge__isnull=True)


class Person(SyncedModel):
    """A traveller, as the documents they crossed with name them.

    `present`, `present_since`, `permitted_until`, `stay_rule`, `entry_post` (of the open stay) and
    `last_crossing` are derived
    from the traveller's crossings by `services.person_refresh`, so that the counter and the
    lists of travellers in the country need no matching at read time.
    """

    surname = models.CharField(_("surname"), max_length=120)
    given_names = models.CharField(_("given names"), max_length=120, blank=True)
    # Not indexed: it is searched by `contains` (LIKE '%…%'), which no btree index serves.
    name_key = models.CharField(max_length=250, db_index=False, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True, db_index=True)
    birth_date_raw = models.CharField(_("date of birth as printed"), max_length=10, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    nationality = models.CharField(_("nationality"), max_length=3)
    # Derived: see the docstring.
    present = models.BooleanField(_("in the country"), default=False)
    present_since = models.DateTimeField(_("in the country since"), null=True, blank=True)
    permitted_until = models.DateField(_("permitted to stay until"), null=True, blank=True)
    stay_rule = models.CharField(_("stay rule"), max_length=32, blank=True)
    entry_post = models.ForeignKey(
        Post,
        verbose_name=_("post of entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # led by the index (entry_post, present, permitted_until) in Meta
    )
    last_crossing = models.ForeignKey(
        "Crossing", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("traveller")
        verbose_name_plural = _("travellers")
        indexes = [
            models.Index(fields=["present", "permitted_until"]),
            models.Index(fields=["present", "nationality"]),
            models.Index(fields=["entry_post", "present", "permitted_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.surname}, {self.given_names}".strip(", ")

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surname}".strip()


class TravelDocument(SyncedModel):
    """A travel document as read at a counter: from its MRZ, or typed by hand."""

    person = models.ForeignKey(
        Person, verbose_name=_("traveller"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind of document"), max_length=16, choices=DocumentKind.choices)
    document_code = models.CharField(_("document code"), max_length=2, blank=True)
    issuing_state = models.CharField(_("issuing state"), max_length=3)
    number = models.CharField(_("document number"), max_length=30)
    expiry_date = models.DateField(_("date of expiry"), null=True, blank=True)
    expiry_date_raw = models.CharField(_("date of expiry as printed"), max_length=10, blank=True)
    mrz = models.TextField(_("machine readable zone"), blank=True)

    class Meta:
        verbose_name = _("travel document")
        verbose_name_plural = _("travel documents")
        indexes = [models.Index(fields=["number", "issuing_state"])]

    def __str__(self) -> str:
        return f"{self.issuing_state} {self.number}"


class ShiftQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class Shift(SyncedModel):
    """An officer's turn at a counter of a post, in one direction."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="shifts",
    )
    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.PROTECT)
    counter = models.ForeignKey(Counter, verbose_name=_("counter"), on_delete=models.PROTECT)
    direction = models.CharField(_("direction"), max_length=5, choices=Direction.choices)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.UniqueConstraint(
                fields=["officer"], condition=Q(closed_at__isnull=True), name="one_open_shift"
            ),
            models.UniqueConstraint(
                fields=["counter"],
                condition=Q(closed_at__isnull=True),
                name="one_officer_per_counter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counter} {self.direction} {self.officer}"


class CrossingQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        """Return the crossings `user` may list: their post's for post roles, all for HQ."""
        from bmis.accounts.roles import POST_ROLES

        if user.role in POST_ROLES:
            return self.filter(post_id=user.post_id)
        return self

    def at_post(self, post):
        return self.filter(post=post)

    def on_day(self, day):
        """Return the crossings made on `day`, a calendar day of the node's time zone."""
        start = timezone.make_aware(datetime.combine(day, time.min))
        end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
        return self.filter(at__gte=start, at__lt=end)

    def in_force(self):
        """Return the crossings no correction has replaced."""
        return self.filter(corrected_by__isnull=True)

    def awaiting_secondary(self):
        """Return the referrals to secondary inspection not completed yet (nor corrected)."""
        return self.in_force().filter(decision=Decision.REFERRED, resolution__isnull=True)


class Crossing(AppendOnlyModel, SyncedModel):
    """One traveller at one counter: an entry or an exit, and the officer's decision."""

    submission = models.UUIDField(_("submission"), unique=True, editable=False)
    person = models.ForeignKey(
        Person,
        verbose_name=_("traveller"),
        on_delete=models.PROTECT,
        related_name="crossings",
        db_index=False,  # led by the index (person, at) in Meta
    )
    document = models.ForeignKey(
        TravelDocument, verbose_name=_("document"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(
        Post,
        verbose_name=_("post"),
        on_delete=models.PROTECT,
        db_index=False,  # led by the index (post, at) in Meta
    )
    counter = models.ForeignKey(
        Counter, verbose_name=_("counter"), null=True, blank=True, on_delete=models.PROTECT
    )
    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), null=True, blank=True, on_delete=models.PROTECT
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time of crossing"), db_index=True)
    direction = models.CharField(_("direction"), max_length=5, choices=Direction.choices)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    # Travel details
    mode = models.CharField(_("mode of transport"), max_length=4, choices=Mode.choices)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    flight = models.CharField(_("flight number"), max_length=10, blank=True)
    vehicle = models.CharField(_("vessel or vehicle"), max_length=60, blank=True)
    place_country = models.CharField(_("coming from or going to"), max_length=3, blank=True)
    place = models.CharField(_("town or port"), max_length=80, blank=True)
    purpose = models.ForeignKey(
        TravelPurpose,
        verbose_name=_("purpose of travel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,  # indexed in Meta, without the LIKE index the key would add
    )
    intended_stay_days = models.PositiveIntegerField(
        _("intended stay (days)"), null=True, blank=True
    )
    address = models.CharField(_("address in Haiti"), max_length=200, blank=True)
    residence = models.CharField(_("country of residence"), max_length=3, blank=True)
    accompanied_by = models.ForeignKey(
        "self",
        verbose_name=_("travelling with"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="minors",
        db_index=False,  # indexed in Meta, over the rows that have one
    )
    # Decision
    refusal_reason = models.ForeignKey(
        RefusalReason,
        verbose_name=_("reason for refusal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,  # indexed in Meta, over the rows that have one and with no LIKE index
    )
    note = models.TextField(_("note"), blank=True)
    stay_rule = models.CharField(_("stay rule"), max_length=32, blank=True)
    permitted_until = models.DateField(_("permitted to stay until"), null=True, blank=True)
    stay_days = models.PositiveIntegerField(_("length of stay (days)"), null=True, blank=True)
    overstay_days = models.PositiveIntegerField(_("days of overstay"), default=0)
    # The document's checks as they stood, and who let a failing document through.
    document_problems = models.JSONField(_("document problems"), default=list, blank=True)
    checks = models.JSONField(_("checks"), default=list, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checks overridden by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # indexed in Meta, over the rows that have one
    )
    # Links between records: a correction, or the completion of a referral. Unique; on
    # PostgreSQL the unique index holds only the rows that have one (migration 0004).
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
    )
    void = models.BooleanField(_("withdrawn"), default=False)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    resolves = models.OneToOneField(
        "self",
        verbose_name=_("completes the referral"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolution",
    )

    objects = CrossingQuerySet.as_manager()

    class Meta:
        verbose_name = _("crossing")
        verbose_name_plural = _("crossings")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["post", "at"]),
            models.Index(fields=["person", "at"]),
            models.Index(fields=["decision", "post"]),
            # Keys of reference data (text primary keys): declared here rather than by the
            # foreign key, which adds on PostgreSQL a second, `varchar_pattern_ops` index for
            # LIKE that no query uses, and every insert pays for.
            models.Index(fields=["purpose"]),
            # Keys most crossings leave empty: a plain index holds an entry for every NULL,
            # which every insert pays for and no query reads (`key = x` implies NOT NULL).
            models.Index(
                fields=["refusal_reason"],
                condition=Q(refusal_reason__isnull=False),
                name="crossings_refusal_reason_idx",
            ),
            models.Index(
                fields=["accompanied_by"],
                condition=Q(accompanied_by__isnull=False),
                name="crossings_accompanied_by_idx",
            ),
            models.Index(
                fields=["override_by"],
                condition=Q(override_by__isnull=False),
                name="crossings_override_by_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="refused") | Q(refusal_reason__isnull=False),
                name="refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.person} {self.at:%Y-%m-%d %H:%M}"

    @property
    def overridden(self) -> bool:
        return self.override_by_id is not None


class Photo(AppendOnlyModel, SyncedModel):
    """A photo of the traveller taken by the counter's camera, stored with the crossing.

    Kept in the database rather than on disk so that it is written in the crossing's
    transaction, copied by the backup and carried by synchronisation like any other record.
    """

    crossing = models.OneToOneField(
        Crossing, verbose_name=_("crossing"), on_delete=models.PROTECT, related_name="photo"
    )
    content_type = models.CharField(max_length=20, default="image/jpeg")
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class PersonMerge(SyncedModel):
    """Headquarters' finding that two travellers on record are one person.

    Two posts that first see the same traveller before either has synchronised each record a
    traveller; headquarters, holding both, writes a merge, which every node receives. Nothing is
    rewritten: `person`'s crossings and documents stay as they were recorded, and every node
    reads them as `into`'s (`bmis.crossings.identity`).
    """

    person = models.OneToOneField(
        Person, verbose_name=_("traveller"), on_delete=models.PROTECT, related_name="merge"
    )
    into = models.ForeignKey(
        Person, verbose_name=_("merged into"), on_delete=models.PROTECT, related_name="merged"
    )
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("merge of travellers")
        verbose_name_plural = _("merges of travellers")

    def __str__(self) -> str:
        return f"{self.person_id} → {self.into_id}"


class StayCaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        from bmis.accounts.roles import POST_ROLES

        if user.role in POST_ROLES:
            return self.filter(post_id=user.post_id)
        return self

    def open(self):
        return self.filter(reviewed_at__isnull=True)


class StayCase(models.Model):
    """A fault in a traveller's records for a supervisor to review (domain.stay.Case).

    Derived from the crossings by `services.person_refresh`; a supervisor's review is kept for as
    long as the same fault stands.
    """

    class Code(models.TextChoices):
        EXIT_WITHOUT_ENTRY = "exit_without_entry", _("Exit with no recorded entry")
        ENTRY_WITHOUT_EXIT = "entry_without_exit", _("Second entry with no exit between")
        CLOCK_ORDER = "clock_order", _("Crossings recorded out of time order")
        CLOCK_AHEAD = "clock_ahead", _("Crossing dated in the future")

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="cases",
        db_index=False,  # led by the unique constraint one_case_per_fault in Meta
    )
    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.PROTECT)
    code = models.CharField(_("case"), max_length=20, choices=Code.choices)
    crossing = models.ForeignKey(
        Crossing, verbose_name=_("crossing"), on_delete=models.CASCADE, related_name="+"
    )
    crossing_ids = models.CharField(max_length=80)
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(_("note"), blank=True)

    objects = StayCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("data-quality case")
        verbose_name_plural = _("data-quality cases")
        ordering = ["-found_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "code", "crossing_ids"], name="one_case_per_fault"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.person}"


class StayRule(SyncedModel):
    """A permitted stay an administrator configured (domain.stay.StayRule).

    Rules are never deleted: a crossing names the rule that applied by its code. A criterion left
    blank matches any traveller.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    description = models.CharField(_("description"), max_length=200)
    nationality = models.CharField(_("nationality"), max_length=3, blank=True)
    document_kind = models.CharField(
        _("kind of document"), max_length=16, choices=DocumentKind.choices, blank=True
    )
    residence = models.CharField(_("country of residence"), max_length=3, blank=True)
    allowance = models.CharField(_("permitted stay"), max_length=10, choices=AllowanceKind.choices)
    days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    priority = models.IntegerField(_("priority"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("stay rule")
        verbose_name_plural = _("stay rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
