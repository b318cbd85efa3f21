"""A post's sync agent: enrol with headquarters, push what was born here, pull what it owns.

Push: the changes after the last acknowledged one, in the order they were written, go in
batches; each batch says which range of change numbers it covers (`from_seq`..`to_seq`), and
headquarters' acknowledgement is the node's new high-water mark. A batch lost on the way, or
acknowledged but the answer lost, is sent again: headquarters stores a record once however often
it arrives. Pull: the changes after the node's cursor, applied in one transaction each with the
new cursor, so that a power cut leaves either the batch and its cursor or neither.

A record's attachments (a photo) travel beside it: uploaded before its batch, fetched before
a pulled batch is applied, resumed where a cut link left them (`attachments`).

One agent runs at a time on a node (a lock file beside the database).
"""

import contextlib
import fcntl
import functools
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.core import audit
from bmis.sync import attachments, client, outbox, records, services, signing
from bmis.sync.models import Change, NodeState
from bmis.sync.registry import BY_LABEL, SHARED, TRAVELLING, by_table

# A batch's size: headquarters' cost of a batch is mostly per record, but part is per batch (the
# node's link, the audit chain, the travellers' state, the commit): 2,000 changes (about 450
# crossings) store 1.5 times faster than 500 (docs/benchmarks.md), and stay under 4 MB of JSON.
PUSH_BATCH = 2000
PUSH_BATCH_MAX = 4000  # changes a batch grows to while round trips are quick (push_all)
QUICK = 2.0  # seconds: a round trip that lets the next batches grow
PUSH_BYTES = 4_000_000
RESTORE_WAIT = 600  # seconds a rebuild waits for changes held back at headquarters
PULLED = frozenset(travels.label for travels in TRAVELLING if not travels.pushed) | SHARED
EVERYTHING = frozenset(BY_LABEL)


class NotEnrolled(Exception):
    """This node has not enrolled with headquarters."""


@dataclass
class Outcome:
    pushed: int = 0
    pulled: int = 0
    refused: list = field(default_factory=list)
    more: bool = False  # the batch moved: another may follow
    held: bool = False  # headquarters holds changes back behind a transaction still running


@contextlib.contextmanager
def single_agent() -> Iterator[None]:
    """Hold the node's agent lock; raise BlockingIOError if another agent holds it."""
    with open(settings.VAR_DIR / "sync.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield


def state() -> NodeState:
    found = NodeState.objects.first()
    if found is None:
        raise NotEnrolled
    return found


def _number() -> int:
    """Take the next request number, committed before the request leaves."""
    with transaction.atomic():
        current = NodeState.objects.select_for_update().get()
        current.last_request += 1
        current.save(update_fields=["last_request"])
    return current.last_request


def _call(path: str, payload: dict) -> dict:
    current = state()
    return client.call(
        current.hq_url, path, payload, number=_number(), hq_key=current.hq_public_key
    )


def enrol(*, hq_url: str, code: str) -> NodeState:
    """Make this node the post's node at headquarters, then pull everything it should hold.

    On a machine that replaces a lost one, this brings back every record the post had
    synchronised, and its audit chain continues from the last event headquarters holds.
    """
    key = signing.own_key()
    answer = client.call(
        hq_url,
        "/sync/enrol",
        {
            "post": settings.BMIS_POST,
            "code": code,
            "public_key": signing.public_pem(key),
            "version": settings.VERSION,
        },
    )
    with transaction.atomic():
        NodeState.objects.all().delete()
        NodeState.objects.create(
            hq_url=hq_url,
            hq_public_key=answer["hq_key"],
            epoch=int(answer["epoch"]),
            # Request numbers go on growing across enrolments: a request signed before (by this
            # machine's same key) can never be replayed.
            last_request=int(answer.get("last_request", 0)),
            pushed_seq=Change.objects.aggregate(last=Max("seq"))["last"] or 0,
            enrolled_at=timezone.now(),
            restoring=True,
        )
    return restore()


def restore() -> NodeState:
    """Pull until everything headquarters holds for the post is here, then say so in the audit
    trail: the node's own events come back first, so that its chain continues after them."""
    received, deadline = 0, time.monotonic() + RESTORE_WAIT
    while (done := pull_once(restoring=True)).more or done.held:
        received += done.pulled
        if done.held and not done.more:  # the post's own records may be among them: wait
            if time.monotonic() > deadline:
                raise client.LinkDown(_("Headquarters is still writing; the rebuild goes on at "
                                        "the next sync."))  # fmt: skip
            time.sleep(1)
    return restored(received + done.pulled)


def restored(received: int) -> NodeState:
    """Say that everything headquarters holds for the post is back: the node may now push."""
    with transaction.atomic():
        current = NodeState.objects.select_for_update().get()
        if not current.restoring:
            return current
        current.restoring = False
        current.save(update_fields=["restoring"])
        audit.record(
            actor=None,
            action="sync.enrolled",
            object_type="sync.node",
            object_id=settings.BMIS_NODE,
            details={"hq": current.hq_url, "epoch": current.epoch, "received": received},
        )
    return current


def push_batch(
    after: int | None = None, epoch: int | None = None, limit: int | None = None
) -> dict | None:
    """Return the next batch of this node's changes after change `after` (by default, the
    last acknowledged), `limit` changes at most (PUSH_BATCH), as headquarters reads it; None
    when nothing is waiting."""
    current = state()
    after = current.pushed_seq if after is None else after
    limit = PUSH_BATCH if limit is None else limit
    changes = outbox.changes(after, limit)
    if not changes:
        return None
    tables = by_table()
    own = [
        change
        for change in changes
        if not change.pulled
        and change.origin == settings.BMIS_NODE
        and change.table in tables
        and tables[change.table].pushed
    ]
    found = outbox.records_of(own)
    batch, size, weight, named, last, seen = [], 0, 0, 0, after, set()
    for change in changes:
        key = outbox.key(change)
        if key in found and key not in seen:
            record, carried = found[key]  # its attachments are sent before the batch, with it
            size += len(orjson.dumps(record))
            weight, named = weight + carried, named + bool(carried)
            if batch and (
                size > PUSH_BYTES
                or weight > attachments.BATCH_BYTES
                or named > attachments.MAX_NAMES
            ):
                break
            batch.append(record)
            seen.add(key)
        last = change.seq
    waiting = Change.objects.filter(seq__gt=last, pulled=False, origin=settings.BMIS_NODE)
    oldest = waiting.aggregate(first=Min("seq"))["first"]
    return {
        "schema": records.SCHEMA,
        "epoch": current.epoch if epoch is None else epoch,
        "from_seq": after + 1,
        "to_seq": last,
        "records": batch,
        "waiting": waiting.count(),
        "oldest_waiting_at": outbox.born_at(oldest),
        "lists": outbox.list_versions(),
        "backup": outbox.backup_state(),
    }


def push_answered(answer: dict, batch: dict | None = None) -> Outcome:
    """Take headquarters' acknowledgement of `batch`: the node's new high-water mark.

    The session is audited, unless all it carried was the audit of earlier sessions (else each
    session's audit event would call for one more session).
    """
    acked = int(answer.get("acked", 0))
    refused = list(answer.get("refused") or [])
    with transaction.atomic():
        moved = NodeState.objects.filter(pushed_seq__lt=acked).update(
            pushed_seq=acked, last_push_at=timezone.now(), last_error=""
        )
        if moved and batch is not None and not _only_sync_events(batch["records"]):
            audit.record(
                actor=None,
                action="sync.push",
                object_type="sync.node",
                object_id=settings.BMIS_NODE,
                details={"to": acked, "stored": answer.get("stored", 0)},
            )
        if refused:
            audit.record(
                actor=None,
                action="sync.push_refused",
                object_type="sync.node",
                object_id=settings.BMIS_NODE,
                details={"refused": refused[:50]},
            )
    return Outcome(pushed=int(answer.get("stored", 0)), refused=refused, more=bool(moved))


def _only_sync_events(batch: list[dict]) -> bool:
    return all(
        record["model"] == "core.AuditEvent"
        and str(record["fields"].get("action", "")).startswith("sync.")
        for record in batch
    )


def push_once() -> Outcome:
    """Send the next batch of this node's changes; return what headquarters stored.

    Headquarters that lost acknowledged batches (restored from an older backup) answers with
    a gap and the last change it holds: the node sends again from there.
    """
    payload = push_batch()
    if payload is None:
        return Outcome()
    try:
        answer, _again = _send(payload)
    except client.HQRefused as refused:
        return _gap(refused)
    return push_answered(answer, payload)


def push_all(until: int) -> Outcome:
    """Push batch after batch while the node's mark is before change `until`, as `push_once`
    does; return the totals.

    While a batch is on the wire, the next one is read in a thread (reading is about a third of
    a push). It is sent only if headquarters acknowledged the whole batch before it, at the first
    attempt, and nothing else moved the mark meanwhile; otherwise it is read again here. Inside
    a transaction the thread would not see what the transaction holds: batches are read here.
    """
    total, following, limit = Outcome(), None, PUSH_BATCH
    alone = connection.in_atomic_block
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="push-ahead") as reader:
        while (current := state()).pushed_seq < until:
            payload = following if _follows(following, current) else push_batch(limit=limit)
            if payload is None:
                break
            ahead = None
            if not alone and payload["to_seq"] < until:
                ahead = reader.submit(_read_after, payload["to_seq"], limit)
            try:
                try:
                    begun = time.monotonic()
                    answer, again = _send(payload)
                    limit = _next_limit(limit, payload, time.monotonic() - begun)
                finally:
                    # The read is over before the answer is written down: an in-memory SQLite
                    # database (the tests') locks whole tables, and the batch is needed next.
                    following = _waited(ahead)
            except client.HQRefused as refused:
                done, following = _gap(refused), None
            else:
                done = push_answered(answer, payload)
                if again or not done.more or int(answer.get("acked", 0)) != payload["to_seq"]:
                    following = None
            if not done.more:
                break
            total.pushed += done.pushed
            total.refused += done.refused
    return total


def _send(payload: dict) -> tuple[dict, bool]:
    """Send `payload`, its attachments first; return headquarters' answer, and whether the batch
    went twice (headquarters dropped an attachment meanwhile)."""
    attachments.upload(payload["records"], _call)
    try:
        return _call("/sync/push", payload), False
    except client.HQRefused as refused:
        if refused.code != "attachments":
            raise
    attachments.upload(payload["records"], _call)
    return _call("/sync/push", payload), True


def _gap(refused: client.HQRefused) -> Outcome:
    """Take a refusal of a whole batch: after a gap, send again from headquarters' mark."""
    if refused.code != "gap" or "acked" not in refused.data:
        raise refused
    NodeState.objects.update(pushed_seq=int(refused.data["acked"]))
    return Outcome(more=True)


def _next_limit(limit: int, payload: dict, seconds: float) -> int:
    """Return how many changes the next batches may hold: twice as many, up to PUSH_BATCH_MAX,
    after a batch that went and came back within QUICK seconds with more waiting behind it (a
    good link, a backlog to clear); else as many. Each sync starts again from PUSH_BATCH, which
    a poor link takes well within the client's timeout."""
    grow = payload.get("waiting") and seconds < QUICK
    return min(limit * 2, PUSH_BATCH_MAX) if grow else limit


def _read_after(after: int, limit: int = PUSH_BATCH) -> dict | None:
    """Return the batch after change `after`, read in a thread with a connection of its own,
    with its request body made (`client.prepared`)."""
    try:
        batch = push_batch(after=after, limit=limit)
        return None if batch is None else client.prepared(batch)
    finally:
        connection.close()


def _waited(ahead: Future | None) -> dict | None:
    """Return the batch `ahead` read, once it is read; None if it read none or failed (the batch
    is then read again in the main thread, which meets the failure, if it lasts, itself)."""
    if ahead is None:
        return None
    try:
        return ahead.result()
    except Exception:
        return None


def _follows(batch: dict | None, current: NodeState) -> bool:
    """Say whether `batch` starts right after the node's mark, in its epoch."""
    return (
        batch is not None
        and batch["epoch"] == current.epoch
        and batch["from_seq"] == current.pushed_seq + 1
    )


def pull_request(*, restoring: bool = False) -> dict:
    current = state()
    return {"cursor": {"txid": current.pull_txid, "seq": current.pull_seq}, "restoring": restoring}


def pull_once(*, restoring: bool = False) -> Outcome:
    """Apply the next batch of what headquarters owns; return how many records came."""
    request = pull_request(restoring=restoring)
    return pull_apply(_call("/sync/pull", request), request=request, restoring=restoring)


def pull_apply(
    answer: dict, *, request: dict, restoring: bool = False, fetch: bool = True
) -> Outcome:
    """Apply a pull's answer, if the node's cursor is still where `request` left it (an answer
    carried on a stick may come late, or twice); return how many records came. Attachments
    come in the answer (a stick's) or are fetched first, unless not `fetch` (attachments.Missing).
    """
    allowed = EVERYTHING if restoring else PULLED
    objs, refused = [], []
    for record in answer.get("records") or []:
        try:
            objs.append(records.load(record, allowed))
        except records.BadRecord as bad:
            refused.append({"id": str(bad.record.get("id"))[:64], "reason": bad.code})
    cursor = answer.get("cursor") or {}
    persons = set()
    for obj in objs:
        label = obj._meta.label
        if label == "crossings.Person":
            persons.add(obj.pk)
        elif label == "crossings.Crossing":
            persons.add(obj.person_id)
        elif label == "crossings.PersonMerge":
            persons |= {obj.person_id, obj.into_id}
    online = functools.partial(_call, attachments.FETCH) if fetch else None
    fetched = attachments.fill(objs, contents=answer.get("attachments"), fetch=online)
    with transaction.atomic():
        current = NodeState.objects.select_for_update().get()
        if request["cursor"] != {"txid": current.pull_txid, "seq": current.pull_seq}:
            attachments.forget(fetched)
            return Outcome()
        before = Change.objects.aggregate(last=Max("seq"))["last"] or 0
        records.store(objs)
        services.refresh_persons(persons)
        services.chain_advance(settings.BMIS_NODE)
        # What was just written came from headquarters: it is not pushed back.
        Change.objects.filter(seq__gt=before).update(pulled=True)
        NodeState.objects.filter(pk=current.pk).update(
            pull_txid=int(cursor.get("txid", current.pull_txid)),
            pull_seq=int(cursor.get("seq", current.pull_seq)),
            last_pull_at=timezone.now(),
            last_error="",
        )
        if (objs or refused) and not restoring:
            audit.record(
                actor=None,
                action="sync.pull",
                object_type="sync.node",
                object_id=settings.BMIS_NODE,
                details={"records": len(objs), "refused": refused[:50], "restoring": restoring},
            )
    attachments.forget(fetched)
    if any(o._meta.label.startswith("watchlist.") for o in objs):
        _lists_changed()
    more, held = bool(answer.get("more")), bool(answer.get("held"))
    return Outcome(pulled=len(objs), refused=refused, more=more, held=held)


def _lists_changed() -> None:
    """Screen recent crossings again against the lists that just arrived (retroactive hits)."""
    from bmis.watchlist import rescreen

    try:
        rescreen.rescreen(actor=None)
    except Exception as exc:  # the pull is kept; the next list change screens again
        note_error(f"rescreen: {exc}")


def sync_once() -> Outcome:
    """Push everything waiting, then pull everything new; return the totals."""
    if state().restoring:  # enrolment was cut short: finish it before anything else
        restore()
    total = Outcome()
    # What was waiting when the sync began: a counter that keeps recording must not hold back the
    # pull (new lists, other posts' crossings) for as long as it works; the rest goes next time.
    waiting = Change.objects.aggregate(last=Max("seq"))["last"] or 0
    pushed = push_all(waiting)
    total.pushed, total.refused = pushed.pushed, pushed.refused
    while True:
        done = pull_once()
        total.pulled += done.pulled
        if not done.more:
            return total


def note_error(message: str) -> None:
    NodeState.objects.update(last_error=message[:1000])


def loop(*, interval: int, stop=lambda: False, sleep=time.sleep) -> None:
    """Sync, then wait `interval` seconds, forever; after a failure wait longer, up to an hour."""
    delay = interval
    while not stop():
        try:
            sync_once()
            delay = interval
        except (client.LinkDown, client.HQRefused) as exc:
            note_error(str(exc))
            delay = min(delay * 2, 3600)
        sleep(delay)
