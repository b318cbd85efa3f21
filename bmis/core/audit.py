"""The audit trail: one function that every service calls, and the verification of the chain.

Each node keeps one chain: its events are numbered 1, 2, 3, … and each carries the SHA-256 of the
previous event of the same node, and its own SHA-256 over all its fields. Editing a row breaks its
own hash; deleting one leaves a gap in the numbers and a dangling link; deleting the newest events
leaves the chain head (`AuditChainHead`) pointing past the end. `audit_verify` walks every chain.

The hash covers a canonical JSON form of the event, so that it reads the same on SQLite and
PostgreSQL and on every node that will hold a copy of the chain.
"""

import hashlib
import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.core.models import AuditChainHead, AuditEvent, current_node

GENESIS = "0" * 64


def client_address(request: HttpRequest | None) -> str | None:
    """Return the address the request came from.

    Behind one of our reverse proxies (BMIS_TRUSTED_PROXIES), the client is the nearest address
    in X-Forwarded-For that is not a proxy of ours; anything else in that header is ignored, as
    a client can write it.
    """
    if request is None:
        return None
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    trusted = settings.BMIS_TRUSTED_PROXIES
    if remote is None or remote not in trusted:
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed([hop.strip() for hop in hops if hop.strip()]):
        address = _valid_ip(hop)
        if address is None:
            break
        if address not in trusted:
            return address
    return remote


def _valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def event_hash(event: AuditEvent) -> str:
    """Return the SHA-256 of the event's canonical form, which includes the previous hash."""
    canonical = {
        "id": str(event.id),
        "node": event.origin,
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(),
        "actor": str(event.actor_id) if event.actor_id else None,
        "actor_username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "address": event.address,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append an event to this node's audit chain, inside the caller's transaction.

    `actor` is the user who acted, or None (an anonymous visitor, the system). `obj` names the
    object acted on; `object_type` and `object_id` do so for an object that is not a model row
    (a username typed at login). `details` must be JSON-serialisable; dates become strings.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    # A round trip through JSON makes the stored details exactly what the hash covers. NUL, which
    # PostgreSQL cannot store in text or jsonb, is written as U+FFFD (an attacker can send it).
    details = _without_nul(json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder)))
    object_id = _without_nul(object_id)
    node = current_node()
    with transaction.atomic():
        head = _lock_head(node)
        event = AuditEvent(
            origin=node,
            seq=head.seq + 1,
            at=timezone.now(),
            actor=actor,
            actor_username=actor.get_username() if actor else "",
            action=action,
            object_type=object_type,
            object_id=object_id,
            address=client_address(request),
            details=details,
            prev_hash=head.hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def _lock_head(node: str) -> AuditChainHead:
    """Return the node's chain head, locked until the transaction ends (made on first use)."""
    head = AuditChainHead.objects.select_for_update().filter(node=node).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(node=node, seq=0, hash=GENESIS)
    except IntegrityError:
        pass  # another writer made it first
    return AuditChainHead.objects.select_for_update().get(node=node)


@dataclass(frozen=True)
class ChainBreak:
    """The first place where a node's chain does not hold."""

    node: str
    seq: int
    event_id: str | None
    reason: str  # edited, missing, relinked, truncated, head

    def describe(self) -> str:
        """Say where and how the chain breaks, in the active language."""
        where = {"node": self.node, "seq": self.seq, "id": self.event_id or ""}
        messages = {
            "edited": _(
                "node %(node)s, event #%(seq)s (%(id)s): its contents no longer match its hash "
                "(the row was edited)."
            ),
            "missing": _("node %(node)s, event #%(seq)s is missing: it was deleted."),
            "relinked": _(
                "node %(node)s, event #%(seq)s (%(id)s): it does not link to the event before it."
            ),
            "truncated": _(
                "node %(node)s, event #%(seq)s and any after it are missing: the newest events "
                "were deleted."
            ),
            "head": _(
                "node %(node)s, event #%(seq)s: the chain head does not match the last event "
                "(it was altered)."
            ),
        }
        return messages[self.reason] % where


def verify(nodes: Iterable[str] | None = None) -> list[ChainBreak]:
    """Walk each node's chain from its first event; return the first break of each broken chain."""
    if nodes is None:
        nodes = sorted(
            set(AuditEvent.objects.values_list("origin", flat=True).distinct())
            | set(AuditChainHead.objects.values_list("node", flat=True))
        )
    breaks = []
    for node in nodes:
        found = _verify_node(node)
        if found is not None:
            breaks.append(found)
    return breaks


def _verify_node(node: str) -> ChainBreak | None:
    prev_hash, expected = GENESIS, 1
    events = AuditEvent.objects.of_node(node).order_by("seq")
    for event in events.iterator(chunk_size=2000):
        if event.seq != expected:
            return ChainBreak(node, expected, None, "missing")
        if event.prev_hash != prev_hash:
            return ChainBreak(node, event.seq, str(event.id), "relinked")
        if event_hash(event) != event.hash:
            return ChainBreak(node, event.seq, str(event.id), "edited")
        prev_hash, expected = event.hash, expected + 1
    head = AuditChainHead.objects.filter(node=node).first()
    if head is not None and head.seq > expected - 1:
        return ChainBreak(node, expected, None, "truncated")
    if head is not None and (head.seq != expected - 1 or head.hash != prev_hash):
        return ChainBreak(node, head.seq, None, "head")
    return None
