"""Headquarters' side of enrolment and credentials: codes, enrolment, revocation, signed
requests, and the audit of a pull served.

Every function validates, writes inside one transaction and records its audit event there. A
refusal raises `Refused`, whose `code` the node reads and whose message says why in the active
language; the refusal is audited too (`sync.refused`), outside the refused transaction.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from bmis.core import audit
from bmis.posts.models import Post
from bmis.sync import records, signing
from bmis.sync.models import NodeLink

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
