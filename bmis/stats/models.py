"""The national figures on migration, kept as counts of crossings by day and by month.

Every dashboard figure is a sum over these cubes, never a scan of the crossings: a count of
the crossings in force (not withdrawn, not replaced by a correction) for each combination of
the dimensions an analyst filters and breaks the flows down by. `aggregate.refresh` keeps them
up to date from the node's change log, so a crossing counts once however it arrived (recorded
here, pushed by a post, pulled from headquarters, brought on a stick), including the late ones
of a post that was offline, and a correction moves its count from the crossing it replaces.

The cubes are the node's own: they do not travel (each node counts the crossings it holds).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The dimensions, in the order of the cubes' unique key: what a figure can be filtered and
# broken down by (besides the period).
DIMENSIONS = ("post", "direction", "decision", "nationality", "sex", "age", "purpose", "mode",
              "carrier", "refusal", "overstay")  # fmt: skip


# A cube holds its cells in several shapes: every dimension (shape 0), and projections on a few
# of them, whose cells are fewer by far (a year by month of post, direction, decision and
# nationality is some thousands of cells whatever the crossings' number, where every dimension
# gives a cell for nearly every other crossing). A figure is read from the smallest shape that
# holds the dimensions it filters and breaks down by (`queries`); a dimension a shape leaves
# out is "" in its cells. The flows (post, direction, decision) with one more dimension other
# than nationality serve the country's breakdowns: their cells are bounded by the few values of
# that dimension, where the base's grow with the nationalities seen.
BASE = ("post", "direction", "decision", "nationality")
FLOWS = ("post", "direction", "decision")  # totals and series by post: the fewest cells
OTHERS = tuple(name for name in DIMENSIONS if name not in BASE)
SHAPES = (
    DIMENSIONS,
    BASE,
    *((*BASE, name) for name in OTHERS),
    FLOWS,
    *((*FLOWS, name) for name in OTHERS),  # appended: a shape's index is kept in its cells
)


class Cube(models.Model):
    """Crossings in force with the same values of the dimensions of a shape, over a period."""

    shape = models.PositiveSmallIntegerField(_("shape"), default=0)  # its index in `SHAPES`

    post = models.CharField(_("post"), max_length=10)  # Post.code
    direction = models.CharField(_("direction"), max_length=5)
    decision = models.CharField(_("decision"), max_length=8)
    nationality = models.CharField(_("nationality"), max_length=3)
    sex = models.CharField(_("sex"), max_length=1)  # "" when the document does not say
    age = models.CharField(_("age group"), max_length=5)  # `AGE_GROUPS`; "" when unknown
    purpose = models.CharField(_("purpose of travel"), max_length=16)  # TravelPurpose.code
    mode = models.CharField(_("mode of transport"), max_length=4)
    carrier = models.CharField(_("carrier"), max_length=60)
    refusal = models.CharField(_("refusal reason"), max_length=4)  # RefusalReason.code
    overstay = models.CharField(_("overstay"), max_length=7)  # an exit's `OVERSTAYS`, or ""
    crossings = models.IntegerField(_("crossings"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        cell = " ".join(str(getattr(self, name)) for name in DIMENSIONS)
        return f"{cell}: {self.crossings}"


class DayFlow(Cube):
    day = models.DateField(_("day"))  # in Haiti's time (settings.TIME_ZONE)

    class Meta:
        verbose_name = _("crossings of a day")
        constraints = [
            models.UniqueConstraint(
                fields=["shape", "day", *DIMENSIONS], name="stats_dayflow_shaped_cell"
            )
        ]


class MonthFlow(Cube):
    month = models.DateField(_("month"))  # its first day

    class Meta:
        verbose_name = _("crossings of a month")
        constraints = [
            models.UniqueConstraint(
                fields=["shape", "month", *DIMENSIONS], name="stats_monthflow_shaped_cell"
            )
        ]


class Cursor(models.Model):
    """Where in the node's change log the cubes are: the last change counted."""

    name = models.CharField(max_length=20, primary_key=True)
    txid = models.BigIntegerField(default=0)
    seq = models.BigIntegerField(default=0)
    counted = models.BigIntegerField(default=0)  # crossings counted since the cubes were made
    updated_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.name} at ({self.txid}, {self.seq})"


class Job(models.Model):
    """A file built in the background for the user who asked for it (a monthly report, a large
    export), with how far it has got: the page that waits for it shows a progress bar."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True)
    kind = models.CharField(max_length=20)
    params = models.JSONField(default=dict)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)
    state = models.CharField(max_length=8, choices=State.choices, default=State.WAITING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    filename = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.state} {self.progress}%"
