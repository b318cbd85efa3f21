"""Headquarters receives a post's push: each record stored exactly once, by its key, and the
node's high-water mark acknowledged.

A batch is read a chunk of records at a time, and each chunk sent to the database in its
pipeline (`records.pipeline`) while the next is read: on PostgreSQL, reading and storing
overlap. The travellers the batch touches have their state derived again in the same
transaction; for a large batch, from their past crossings read before the batch is stored and
the batch's own, while the database stores it (unless the batch was stored row by row, or
merged travellers: then from what the database holds once the batch is in).
"""

import contextlib
from collections.abc import Iterator
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from bmis.core import audit
from bmis.core.models import AuditChainHead, AuditEvent
from bmis.crossings import stays
from bmis.crossings.models import Crossing
from bmis.crossings.services.identity import persons_merge_duplicates
from bmis.sync import records
from bmis.sync.models import NodeLink
from bmis.sync.registry import TRAVELLING, order
from bmis.sync.services.nodes import Refused

PUSHED = frozenset(travels.label for travels in TRAVELLING if travels.pushed)
AHEAD_FROM = 50  # travellers a batch crosses, from which their state is derived during storing


def push_receive(*, link: NodeLink, payload: dict, request=None) -> dict:
    """Store a post's batch of records exactly once, and acknowledge up to its last change.

    Records that are not the post's own, or cannot be read, are refused one by one (and
    audited); the others are stored. The acknowledgement is the node's high-water mark.
    """
    if payload.get("schema") != records.SCHEMA:
        raise Refused(
            "schema",
            _("This node speaks version %(theirs)s of the exchange; headquarters speaks %(ours)s.")
            % {"theirs": payload.get("schema"), "ours": records.SCHEMA},
        )
    try:
        epoch, first, last = (int(payload[k]) for k in ("epoch", "from_seq", "to_seq"))
        batch = list(payload["records"])
        waiting = min(max(0, int(payload.get("waiting") or 0)), 2**62)
        oldest = parse_datetime(str(payload.get("oldest_waiting_at") or ""))
    except (KeyError, TypeError, ValueError):
        raise Refused("malformed", _("The batch is malformed.")) from None
    if last > 2**62:
        raise Refused("malformed", _("The batch is malformed."))
    if epoch != link.epoch:
        raise Refused(
            "epoch",
            _("This node was enrolled again after this batch was made: the batch is refused."),
            409,
        )
    if first < 1 or last < first - 1:
        raise Refused("malformed", _("The batch is malformed."))
    received = _Received(link)
    with transaction.atomic():
        link = NodeLink.objects.select_for_update().select_related("post").get(pk=link.pk)
        if first > link.acked_seq + 1:
            message = _("Changes are missing before this batch.")
            raise Refused("gap", message, 409, acked=link.acked_seq)
        counts, wanted, ahead = {}, None, None
        if last > link.acked_seq:
            ahead = _histories_ahead(batch)
            counts, wanted = _store(received.chunks(batch), received, ahead)
            _password_changes_apply(received.password_changes, link.post_id)
        else:  # a batch acknowledged already: read, for its refusals, and left alone
            for _chunk in received.chunks(batch):
                pass
        refusals = received.refusals
        if last > link.acked_seq:
            link.acked_seq = last
        link.waiting, link.oldest_waiting_at = waiting, oldest
        if isinstance(payload.get("lists"), dict):
            link.list_versions = {str(k)[:20]: v for k, v in payload["lists"].items()}
        copies = payload.get("backup") if isinstance(payload.get("backup"), dict) else {}
        link.backup_at = _moment(copies.get("success")) or link.backup_at
        link.backup_failed_at = _moment(copies.get("failure")) or link.backup_failed_at
        link.save(update_fields=["acked_seq", "waiting", "oldest_waiting_at", "list_versions",
                                 "backup_at", "backup_failed_at"])  # fmt: skip
        chain_advance(link.post.code)
        persons, merged = received.persons, []
        if received.documents:
            merged = persons_merge_duplicates(document_ids=received.documents)
            persons |= {person.pk for person in merged}
        if wanted is not None and not merged and persons <= ahead.keys:
            stays.derived_write(wanted)  # derived while the batch was being stored
        else:
            refresh_persons(persons)
        if counts or refusals:
            audit.record(
                actor=None,
                action="sync.push",
                obj=link.post,
                request=request,
                details={"epoch": epoch, "to": last, "stored": counts, "refused": refusals[:50]},
            )
    return {"acked": link.acked_seq, "stored": sum(counts.values()), "refused": refusals}


class _Received:
    """What a batch brings, read a chunk at a time: the rows to store, and what they call for."""

    CHUNK = 500  # records read, then sent to the database while the next ones are read

    def __init__(self, link: NodeLink) -> None:
        self.link = link
        self.stored, self.refusals, self.password_changes = [], [], []
        self.persons, self.documents = set(), set()
        self.weighed = 0  # the attachments' bytes taken in (`attachments.attach`)

    def chunks(self, batch: list) -> Iterator[list]:
        """Yield the post's own rows of `batch` that can be read, CHUNK at a time; note the
        others' refusals."""
        from bmis.sync import attachments  # here, not above: it imports Refused from this module

        chunk, missing, lacking = [], None, []
        for number, record in enumerate(batch, start=1):
            try:
                obj = records.load(record, PUSHED)
            except records.BadRecord as bad:
                self.refusals.append(_refusal(bad.record, bad.code, bad.detail))
                obj = None
            if obj is not None and (
                obj.origin != self.link.post.code
                or getattr(obj, "post_id", self.link.post_id) != self.link.post_id
            ):
                self.refusals.append(_refusal(record, "foreign", obj.origin))
                obj = None
            if obj is not None:
                chunk.append(obj)
                if obj._meta.label == "crossings.Crossing":
                    self.persons.add(obj.person_id)
                elif obj._meta.label == "crossings.TravelDocument":
                    self.documents.add(obj.pk)
            if chunk and (len(chunk) == self.CHUNK or number == len(batch)):
                # A photo's content in, or nothing of the batch stored or acknowledged: the
                # refusal names every photo the batch lacks, and the transaction is undone.
                try:
                    self.weighed = attachments.attach(chunk, weighed=self.weighed)
                except Refused as refused:
                    if refused.code != "attachments":
                        raise
                    missing = refused
                    lacking += refused.extra["missing"]
                if missing is None:
                    self.password_changes += _new_password_changes(chunk)
                    self.stored += chunk
                    yield chunk
                chunk = []
        if missing is not None:
            missing.extra["missing"] = sorted(set(lacking))[: attachments.MAX_NAMES]
            raise missing


def _histories_ahead(batch: list) -> stays.HistoriesAhead | None:
    """On PostgreSQL, for a batch of many crossings, return its travellers' past to ask for
    before the batch is stored (`_store` derives their state from it while the database stores
    the batch); None otherwise. Records are not checked yet here: a key that cannot be read is
    passed over (`_Received.chunks` refuses its record)."""
    if connection.vendor != "postgresql":
        return None
    persons = set()
    for record in batch:
        if isinstance(record, dict) and record.get("model") == "crossings.Crossing":
            fields = record.get("fields")
            with contextlib.suppress(AttributeError, ValidationError):
                if isinstance(key := fields.get("person_id"), str):  # keys travel as text
                    persons.add(records.key(key))
    if len(persons) < AHEAD_FROM:
        return None
    return stays.HistoriesAhead(persons)


def _store(
    chunks: Iterator[list], received: _Received, ahead: stays.HistoriesAhead | None = None
) -> tuple[dict[str, int], dict | None]:
    """Store the batch's rows as they are read, in the database's pipeline (`records.pipeline`);
    if the database refuses them, store them row by row and refuse the rows it will not hold
    (a key already used by another record, a reference to nothing).

    Return the counts, and with `ahead` the travellers' state derived from it and the batch's
    crossings while the database stores them; None if the batch was stored row by row."""
    counts: dict[str, int] = {}
    wanted = None
    try:
        with transaction.atomic():
            # Keys checked by each statement, while the next records are read, rather than all
            # at the end: a batch's rows refer to rows before them. The rows keep the batch's
            # order (parents first), which the change log keeps for the other posts' pulls: a
            # pull's answer may end in the middle of this transaction's changes.
            _keys_checked(at_once=True)
            with records.pipeline():
                if ahead is not None:  # asked first, answered while the batch is read
                    ahead.send()
                for chunk in chunks:
                    for label, count in records.store(chunk).items():
                        counts[label] = counts.get(label, 0) + count
                if ahead is not None:  # the travellers' state, while the database stores
                    crossings = [obj for obj in received.stored if type(obj) is Crossing]
                    wanted = ahead.derive(adding=crossings)
            _check_keys()
        return counts, wanted
    except IntegrityError:
        pass
    for _chunk in chunks:  # the rest of the batch, read
        pass
    _keys_checked(at_once=False)
    counts = {}
    for obj in sorted(received.stored, key=lambda o: order(o._meta.label)):
        try:
            with transaction.atomic():
                records.store([obj])
                _check_keys()
        except IntegrityError as exc:
            received.refusals.append(
                _refusal(records.dump(obj), "conflict", str(exc).splitlines()[0])
            )
            continue
        counts[obj._meta.label] = counts.get(obj._meta.label, 0) + 1
    return counts, None


def _new_password_changes(objs: list) -> list:
    """Return the officers' password changes in `objs` that headquarters does not hold yet."""
    from bmis.accounts.models import PasswordChange

    changes = [obj for obj in objs if type(obj) is PasswordChange]
    if not changes:
        return []
    held = _held(changes)
    return [change for change in changes if change.pk not in held]


def _password_changes_apply(changes: list, post_id) -> None:
    """Apply the officers' password changes just stored, in the order the post made them."""
    from bmis.accounts.services import password_change_apply

    stored = _held(changes) if changes else set()
    for change in changes:
        if change.pk in stored:
            password_change_apply(change, post_id=post_id)


def _held(changes: list) -> set:
    """Return the keys of the password changes that headquarters holds."""
    from bmis.accounts.models import PasswordChange

    return set(
        PasswordChange.objects.filter(pk__in=[c.pk for c in changes]).values_list("pk", flat=True)
    )


def _moment(value) -> datetime | None:
    """Return an ISO 8601 time with its zone that a node sent, or None for anything else."""
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _keys_checked(*, at_once: bool) -> None:
    """On PostgreSQL, have foreign keys checked by each statement, or at the end of the
    transaction (Django's constraints are deferred): `_check_keys` checks the deferred ones."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS ALL {'IMMEDIATE' if at_once else 'DEFERRED'}")


def _check_keys() -> None:
    """Check now the foreign keys the database would check at commit; raise IntegrityError."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_key_check")
        broken = cursor.fetchone()
    if broken:
        raise IntegrityError(f"FOREIGN KEY constraint failed: {broken[0]} refers to {broken[2]}")


def _refusal(record: dict, code: str, detail: str) -> dict:
    return {"model": str(record.get("model"))[:40], "id": str(record.get("id"))[:64],
            "reason": code, "detail": str(detail)[:200]}  # fmt: skip


def chain_advance(node: str) -> None:
    """Move headquarters' copy of the node's chain head to its last contiguous event."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        node=node, defaults={"seq": 0, "hash": audit.GENESIS}
    )
    events = AuditEvent.objects.filter(origin=node, seq__gt=head.seq).order_by("seq")
    for seq, digest in events.values_list("seq", "hash").iterator():
        if seq != head.seq + 1:
            break
        head.seq, head.hash = seq, digest
    head.save()


def refresh_persons(person_ids) -> None:
    """Work out again where each of these travellers is, from the crossings this node holds."""
    stays.refresh_many(person_ids)
