"""Headquarters' side of synchronisation: enrolment, credentials, and receiving a post's push.

Every function validates, writes inside one transaction and records its audit event there. A
refusal raises `Refused`, whose `code` the node reads and whose message says why in the active
language; the refusal is audited too (`sync.refused`), outside the refused transaction.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from bmis.core import audit
from bmis.core.models import AuditChainHead, AuditEvent
from bmis.crossings.services.identity import persons_merge_duplicates
from bmis.posts.models import Post
from bmis.sync import records, signing
from bmis.sync.models import NodeLink
from bmis.sync.registry import TRAVELLING, order

PUSHED = frozenset(travels.label for travels in TRAVELLING if travels.pushed)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud or typed


class Refused(Exception):
    """A request headquarters will not carry out: `code` for the node, a sentence for people."""

    def __init__(self, code: str, message: str, status: int = 400, **extra) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.extra = code, message, status, extra


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


def node_code_issue(*, actor, post: Post, request=None) -> str:
    """Return a new one-time enrolment code for `post`'s node; an older unused one stops working.

    Enrolling with it makes a machine the post's node: a new one, or the rebuild of a lost one.
    """
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    with transaction.atomic():
        link, _created = NodeLink.objects.select_for_update().get_or_create(post=post)
        link.enrolment_code_hash = _digest(raw)
        link.enrolment_expires_at = timezone.now() + timedelta(days=settings.BMIS_ENROLMENT_DAYS)
        link.save(update_fields=["enrolment_code_hash", "enrolment_expires_at"])
        audit.record(
            actor=actor,
            action="sync.code_issued",
            obj=post,
            request=request,
            details={"post": post.code, "expires": link.enrolment_expires_at},
        )
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def node_enrol(*, post_code: str, code: str, public_key: str, version: str, request=None) -> dict:
    """Make the holder of `public_key` the node of the post, if `code` is the post's open code.

    A new epoch starts: the node numbers its changes from 1, and headquarters forgets the
    previous node's key (a lost laptop can no longer push).
    """
    try:
        signing.load_public(public_key)
    except (ValueError, TypeError):
        raise Refused("key", _("The enrolment request carries no valid public key.")) from None
    with transaction.atomic():
        link = (
            NodeLink.objects.select_for_update()
            .select_related("post")
            .filter(post__code=str(post_code).upper())
            .first()
        )
        expected = link.enrolment_code_hash if link else ""
        if not expected or not hmac.compare_digest(expected, _digest(str(code))):
            raise Refused("code", _("This enrolment code is not valid for this post."), 403)
        if link.enrolment_expires_at is None or link.enrolment_expires_at < timezone.now():
            raise Refused("code", _("This enrolment code has expired: ask for a new one."), 403)
        rebuilt = link.epoch > 0
        link.public_key = public_key
        link.epoch += 1
        link.acked_seq = 0  # `last_request` is kept: see agent.enrol
        link.enrolment_code_hash, link.enrolment_expires_at = "", None
        link.enrolled_at = link.last_contact_at = timezone.now()
        link.revoked_at = None
        link.node_version = str(version)[:20]
        link.save()
        audit.record(
            actor=None,
            action="sync.enrolled",
            obj=link.post,
            request=request,
            details={"post": link.post.code, "epoch": link.epoch, "rebuilt": rebuilt},
        )
    return {
        "post": link.post.code,
        "epoch": link.epoch,
        "hq_key": signing.public_pem(signing.own_key()),
        "schema": records.SCHEMA,
        "last_request": link.last_request,
    }


def node_revoke(*, actor, link: NodeLink, request=None) -> None:
    """Forget the node's key: it can no longer push or pull until it enrols again."""
    with transaction.atomic():
        link = NodeLink.objects.select_for_update().get(pk=link.pk)
        link.revoked_at = timezone.now()
        link.public_key = ""
        link.save(update_fields=["revoked_at", "public_key"])
        audit.record(actor=actor, action="sync.revoked", obj=link.post, request=request)


def authenticate(*, node: str, number: str, signature: str, sent_at: str, method: str, path: str,
                 body: bytes, version: str = "") -> NodeLink:  # fmt: skip
    """Return the node's link if the request is signed by its key and not a replay.

    The request number is stored at once, in its own transaction: a request seen once is never
    accepted again, even if what it asks for fails.
    """
    try:
        number_value = int(number)
    except (TypeError, ValueError):
        raise Refused("signature", _("The request is not signed."), 401) from None
    with transaction.atomic():
        link = (
            NodeLink.objects.select_for_update()
            .select_related("post")
            .filter(post__code=str(node).upper())
            .first()
        )
        if link is None or not link.public_key:
            revoked = link is not None and link.revoked_at is not None
            message = (
                _("This node's credentials were revoked: enrol it again.")
                if revoked
                else _("This node is not enrolled at headquarters.")
            )
            raise Refused("revoked" if revoked else "unknown", message, 403)
        text = signing.message(method, path, link.post.code, number_value, body)
        if not signing.verify(link.public_key, signature, text):
            message = _("The request's signature does not match the node's key.")
            raise Refused("signature", message, 403)
        if number_value <= link.last_request:
            message = _("This request was already received: it is not carried out twice.")
            raise Refused("replay", message, 409)
        now = timezone.now()
        link.last_request = number_value
        link.last_contact_at = now
        node_time = parse_datetime(sent_at or "")
        if isinstance(node_time, datetime) and node_time.tzinfo is not None:
            link.clock_offset = round((node_time - now).total_seconds(), 1)
        if version:
            link.node_version = str(version)[:20]
        link.save(update_fields=["last_request", "last_contact_at", "clock_offset", "node_version"])
    return link


def refused(*, node: str, code: str, message: str, request=None) -> None:
    """Audit a refused request, in a transaction of its own."""
    audit.record(
        actor=None,
        action="sync.refused",
        object_type="sync.node",
        object_id=str(node)[:64],
        request=request,
        details={"code": code, "reason": message},
    )


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
    stored, refusals, persons, documents = [], [], set(), set()
    for record in batch:
        try:
            obj = records.load(record, PUSHED)
        except records.BadRecord as bad:
            refusals.append(_refusal(bad.record, bad.code, bad.detail))
            continue
        if obj.origin != link.post.code or getattr(obj, "post_id", link.post_id) != link.post_id:
            refusals.append(_refusal(record, "foreign", obj.origin))
            continue
        stored.append(obj)
        if obj._meta.label == "crossings.Crossing":
            persons.add(obj.person_id)
        elif obj._meta.label == "crossings.TravelDocument":
            documents.add(obj.pk)
    from bmis.sync import attachments  # here, not above: it imports Refused from this module

    attachments.attach(stored)  # a photo's content in, or nothing of the batch acknowledged
    with transaction.atomic():
        link = NodeLink.objects.select_for_update().select_related("post").get(pk=link.pk)
        if first > link.acked_seq + 1:
            message = _("Changes are missing before this batch.")
            raise Refused("gap", message, 409, acked=link.acked_seq)
        counts = {}
        if last > link.acked_seq:
            changes = _new_password_changes(stored)
            counts, conflicts = _store(stored)
            refusals += conflicts
            _password_changes_apply(changes, link.post_id)
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
        _advance_chain(link.post.code)
        if documents:
            merged = persons_merge_duplicates(document_ids=documents)
            persons |= {person.pk for person in merged}
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


def _store(objs: list) -> tuple[dict[str, int], list[dict]]:
    """Store the batch; if the database refuses it, store it row by row and refuse the rows
    it will not hold (a key already used by another record, a reference to nothing)."""
    try:
        with transaction.atomic():
            counts = records.store(objs)
            _check_keys()
        return counts, []
    except IntegrityError:
        pass
    counts: dict[str, int] = {}
    refusals = []
    for obj in sorted(objs, key=lambda o: order(o._meta.label)):
        try:
            with transaction.atomic():
                records.store([obj])
                _check_keys()
        except IntegrityError as exc:
            refusals.append(_refusal(records.dump(obj), "conflict", str(exc).splitlines()[0]))
            continue
        counts[obj._meta.label] = counts.get(obj._meta.label, 0) + 1
    return counts, refusals


def _new_password_changes(objs: list) -> list:
    """Return the officers' password changes in `objs` that headquarters does not hold yet."""
    from bmis.accounts.models import PasswordChange

    changes = [obj for obj in objs if type(obj) is PasswordChange]
    held = _held(changes)
    return [change for change in changes if change.pk not in held]


def _password_changes_apply(changes: list, post_id) -> None:
    """Apply the officers' password changes just stored, in the order the post made them."""
    from bmis.accounts.services import password_change_apply

    stored = _held(changes)
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


def pull_served(*, link: NodeLink, answer: dict, request=None) -> None:
    """Audit a pull that sent the node something (an empty one leaves no trace)."""
    if answer["records"]:
        audit.record(
            actor=None,
            action="sync.pull",
            obj=link.post,
            request=request,
            details={"records": len(answer["records"]), "cursor": answer["cursor"]},
        )


def _refusal(record: dict, code: str, detail: str) -> dict:
    return {"model": str(record.get("model"))[:40], "id": str(record.get("id"))[:64],
            "reason": code, "detail": str(detail)[:200]}  # fmt: skip


def _advance_chain(node: str) -> None:
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
    from bmis.crossings import stays

    stays.refresh_many(person_ids)
