"""What synchronisation keeps: the change log of every node, and each side's view of the link.

`Change` is the outbox at a post and the change feed at headquarters: database triggers
(`triggers.py`) append a row, in the writer's own transaction, for every row inserted or updated
in a table that travels. `NodeLink` is headquarters' record of one post's node (its key, epoch,
what it has acknowledged, when it last called); `NodeState` is the post's record of its link to
headquarters (one row).
"""

from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class Change(models.Model):
    """One row inserted or updated in a table that travels, in the order the node wrote them.

    `seq` is gap-free at a post (SQLite serialises writers and a rolled-back insert takes its
    number back), so a push can say which range it covers. On PostgreSQL numbers are taken out of
    commit order: `txid` (the writing transaction's id) makes the pull cursor safe, see
    `services.changes_after`.
    """

    seq = models.BigAutoField(primary_key=True)
    table = models.CharField(max_length=64)
    row_id = models.CharField(max_length=64)
    origin = models.CharField(max_length=10, blank=True)
    txid = models.BigIntegerField(default=0)
    # Written by applying what headquarters sent (a pull): not to be pushed back.
    pulled = models.BooleanField(default=False)
    # This node's clock when the change was written. At headquarters, a post's record's first
    # change is when headquarters received it; the record's own times are the post's clock.
    at = models.DateTimeField(db_default=Now())

    class Meta:
        indexes = [
            models.Index(fields=["txid", "seq"]),
            models.Index(fields=["origin", "seq"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.table} {self.row_id}"


class NodeLink(models.Model):
    """Headquarters' record of a post's node: its credentials, and what it has sent and heard."""

    post = models.OneToOneField(
        "posts.Post", verbose_name=_("post"), on_delete=models.PROTECT, related_name="node"
    )
    public_key = models.TextField(_("public key"), blank=True)
    # Bumped at each enrolment: a rebuilt node numbers its changes from 1 again.
    epoch = models.PositiveIntegerField(_("epoch"), default=0)
    acked_seq = models.PositiveBigIntegerField(_("acknowledged up to"), default=0)
    last_request = models.PositiveBigIntegerField(default=0)
    enrolment_code_hash = models.CharField(max_length=128, blank=True)
    enrolment_expires_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    clock_offset = models.FloatField(_("clock offset (seconds)"), null=True, blank=True)
    node_version = models.CharField(_("node version"), max_length=20, blank=True)
    waiting = models.PositiveBigIntegerField(_("records waiting"), default=0)
    oldest_waiting_at = models.DateTimeField(_("oldest record waiting"), null=True, blank=True)
    list_versions = models.JSONField(_("list versions"), default=dict, blank=True)
    # The post's local copies of its database (`manage.py backup`), as its node last said.
    backup_at = models.DateTimeField(_("last local copy"), null=True, blank=True)
    backup_failed_at = models.DateTimeField(_("last failed local copy"), null=True, blank=True)

    class Meta:
        verbose_name = _("post node")
        verbose_name_plural = _("post nodes")

    def __str__(self) -> str:
        return f"{self.post.code} (epoch {self.epoch})"


class NodeState(models.Model):
    """A post's record of its link to headquarters: one row, made by enrolment."""

    hq_url = models.URLField(max_length=300)
    hq_public_key = models.TextField()
    epoch = models.PositiveIntegerField()
    pushed_seq = models.PositiveBigIntegerField(default=0)
    pull_txid = models.BigIntegerField(default=0)
    pull_seq = models.BigIntegerField(default=0)
    last_request = models.PositiveBigIntegerField(default=0)
    enrolled_at = models.DateTimeField()
    last_push_at = models.DateTimeField(null=True, blank=True)
    last_pull_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Set by enrolment until every record headquarters holds for the post is back: a rebuilt
    # node pushes nothing (its audit chain continues after the restored events) until then.
    restoring = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.hq_url} (epoch {self.epoch})"


class Attachment(models.Model):
    """Headquarters' store of an attachment a post's node is uploading, named by its SHA-256.

    Kept in the database rather than in files: it is written in the request's transaction, so a
    chunk is held whole or not at all and its offset is read back under a row lock whichever of
    headquarters' workers takes the next one; the content ends in the record's own column
    (`Photo.data`) anyway, and the store is only its way there (`attachments.purge`).
    """

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.PositiveBigIntegerField()  # as the node declares it
    received = models.PositiveBigIntegerField(default=0)  # bytes held: where the next chunk goes
    data = models.BinaryField(default=b"")
    complete = models.BooleanField(default=False)  # every byte is in, and its hash is the name
    touched_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.sha256[:12]}… {self.received}/{self.size}"
