"""Base models and the audit trail.

Records that travel between nodes inherit `SyncedModel`: a UUIDv7 key minted where the record is
born (so two posts never collide and keys sort by birth time) and the node it was born at.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from uuid6 import uuid7


def current_node() -> str:
    """Return the code of this node: the post's code, or HQ."""
    return settings.BMIS_NODE


class SyncedModel(models.Model):
    """A record that may travel between nodes, keyed by a UUIDv7 minted where it was born."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    origin = models.CharField(_("origin"), max_length=10, default=current_node, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    """Refuse to update or delete rows in bulk: the model's records are append-only."""

    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} records are append-only: they cannot be updated.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} records are append-only: they cannot be deleted.")


class AppendOnlyModel(models.Model):
    """A record written once and never changed or deleted (audit events, crossings)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} records are append-only: write a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} records are append-only: they cannot be deleted.")


class AuditEventQuerySet(AppendOnlyQuerySet):
    def of_node(self, node: str):
        return self.filter(origin=node)


class AuditEvent(SyncedModel):
    """One thing that happened, chained to the previous event of the same node by its hash."""

    seq = models.PositiveBigIntegerField(_("sequence"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # led by the index (actor, at) in Meta
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    # Compared by equality only: PostgreSQL's LIKE index for it is dropped (migration 0003).
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.UniqueConstraint(fields=["origin", "seq"], name="audit_one_event_per_seq"),
        ]
        indexes = [
            models.Index(fields=["action", "at"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "at"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.origin}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Audit events are append-only: they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only: they cannot be deleted.")


class AuditChainHead(models.Model):
    """The last event of each node's chain: the row writers lock, and what a deleted tail breaks."""

    node = models.CharField(max_length=10, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.node}#{self.seq}"
