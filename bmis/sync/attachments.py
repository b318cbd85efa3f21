"""Attachments (a traveller's photo) travel beside their records, named by their SHA-256.

A record says which content it holds by its hash (`registry.Travels.attachments`); the content
goes in chunks of `CHUNK` bytes, each a signed request of its own, so that a link cut part-way
costs the chunk it cut and no more: the sender asks where the other side stands and goes on from
there. This is where offline systems lose files (a record acknowledged before its photo was in,
a photo resent whole after every cut); here a record is acknowledged only once its attachments
are in.

Push: before a batch, the post's agent asks headquarters which of the batch's attachments it
lacks and how many bytes of each it holds (`lacking`), and sends the rest (`upload`). Headquarters
keeps them in its store (`models.Attachment`: in the database, in each chunk's transaction, so
that any of its workers takes the next chunk) and fills each record's content from it before
storing the batch (`attach`); one missing refuses the whole batch, which the agent sends again
after uploading. The store is a way in, not a second copy: what nobody asked for in `RETENTION`
is dropped (`purge`), at worst to be sent once more.

Pull: a post being rebuilt gets its photos' records without content, and fetches each content
from the record at headquarters (`serve`, by record and hash: the record's key finds it at once,
and only the post's own are served), into a file under `VAR_DIR` that a cut link leaves to be
continued, checked against its hash before the batch and its cursor are applied (`fill`,
`download`).

On a USB stick the contents go inside the signed file (`carried`, `store_carried`).
"""

import base64
import hashlib
import os
import re
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.sync import client
from bmis.sync.models import Attachment
from bmis.sync.registry import WITH_ATTACHMENTS
from bmis.sync.services import Refused

CHUNK = 256 * 1024  # bytes of content a request carries
MAX_BYTES = 16 * 1024 * 1024  # an attachment's largest size (a photo is at most 400 kB)
BATCH_BYTES = 8 * 1024 * 1024  # what the attachments of one batch may weigh, both ways
MAX_NAMES = 2000  # attachments asked about at once (an agent's batch carries no more)
RETENTION = timedelta(days=7)
NAME = re.compile(r"[0-9a-f]{64}")
LACKING, SEND, FETCH = (
    "/sync/attachments/lacking",
    "/sync/attachments/send",
    "/sync/attachments/fetch",
)


class Missing(Exception):
    """A record's attachment that nothing brought (an exchange file without it)."""


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _uses(objs: Iterable[models.Model]) -> dict[str, list[tuple[models.Model, str]]]:
    """Return the rows' attachments: {hash: [(row, attname of the content)]}."""
    found: dict[str, list] = {}
    for obj in objs:
        for attname, hashname in WITH_ATTACHMENTS.get(obj._meta.label, {}).items():
            found.setdefault(str(getattr(obj, hashname)), []).append((obj, attname))
    return found


def named_in(records: Iterable[dict]) -> dict[str, tuple[str, str, str]]:
    """Return the attachments records name: {hash: (model label, record id, attname)}."""
    found = {}
    for record in records:
        for attname, hashname in WITH_ATTACHMENTS.get(record["model"], {}).items():
            name = record["fields"].get(hashname)
            if isinstance(name, str) and NAME.fullmatch(name):
                found[name] = (record["model"], record["id"], attname)
    return found


def _content(label: str, pk: str, attname: str) -> bytes | None:
    value = apps.get_model(label).objects.filter(pk=pk).values_list(attname, flat=True).first()
    return None if value is None else bytes(value)


def without_content(queryset: models.QuerySet) -> models.QuerySet:
    """Return `queryset` without its rows' attachments, but with their sizes (`weight`): a
    batch is made of records, and measured with its attachments."""
    fields = WITH_ATTACHMENTS.get(queryset.model._meta.label)
    if not fields:
        return queryset
    sizes = {f"attachment_{attname}_bytes": Length(attname) for attname in fields}
    return queryset.defer(*fields).annotate(**sizes)


def weight(obj: models.Model) -> int:
    """Return the bytes of a row's attachments, as `without_content` measured them."""
    return sum(
        getattr(obj, f"attachment_{attname}_bytes", 0) or 0
        for attname in WITH_ATTACHMENTS.get(obj._meta.label, {})
    )


# At headquarters


def lacking(names: list[str]) -> dict[str, int]:
    """Return which of these attachments headquarters lacks, and the bytes it holds of each.

    Those it holds whole are kept from `purge` a while longer: their batch comes next.
    """
    purge()
    received, whole = dict.fromkeys(names, 0), []
    for name, complete, count in Attachment.objects.filter(pk__in=names).values_list(
        "sha256", "complete", "received"
    ):
        if complete:
            whole.append(name)
            del received[name]
        else:
            received[name] = count
    Attachment.objects.filter(pk__in=whole).update(touched_at=timezone.now())
    return received


def purge() -> int:
    """Drop what no node has sent or asked about in `RETENTION`; return how many."""
    return Attachment.objects.filter(touched_at__lt=timezone.now() - RETENTION).delete()[0]


def receive(*, name: str, size: int, offset: int, content: bytes) -> dict:
    """Add a chunk at `offset` to the attachment `name`; return how much headquarters holds.

    A chunk that does not start where the held bytes end is refused with where they end. The
    last chunk makes the content whole: if its SHA-256 is not its name, it is discarded.
    """
    if size > MAX_BYTES:
        message = _("An attachment may hold at most %(limit)s bytes.")
        raise Refused("size", message % {"limit": MAX_BYTES})
    if len(content) > CHUNK or offset + len(content) > size or (not content and offset < size):
        message = _("A chunk holds from 1 to %(limit)s bytes, and not past the declared size.")
        raise Refused("chunk", message % {"limit": CHUNK})
    with transaction.atomic():
        held, _created = Attachment.objects.select_for_update().get_or_create(
            sha256=name, defaults={"size": size}
        )
        if held.complete:
            return _held(held)
        if held.size != size:  # declared anew: what was held was of another content
            held.size, held.received, held.data = size, 0, b""
        if offset != held.received:
            message = _("This chunk does not start where headquarters' copy ends: send from "
                        "byte %(received)s.")  # fmt: skip
            raise Refused("offset", message % {"received": held.received}, 409,
                          received=held.received)  # fmt: skip
        held.data = bytes(held.data) + content
        held.received = len(held.data)
        held.complete = held.received == size
        wrong = held.complete and digest(held.data) != name
        if wrong:
            held.delete()
        else:
            held.save()
    if wrong:
        message = _("The content sent as %(name)s does not have that SHA-256: it was discarded.")
        raise Refused("hash", message % {"name": name})
    return _held(held)


def _held(held: Attachment) -> dict:
    return {"sha256": held.sha256, "received": held.received, "complete": held.complete}


def store_carried(contents) -> None:
    """Keep the attachments an exchange file carries, those whose content is their name."""
    for name, content in _decoded(contents).items():
        if not Attachment.objects.filter(pk=name, complete=True).exists():
            Attachment.objects.update_or_create(
                sha256=name,
                defaults={"size": len(content), "received": len(content), "data": content,
                          "complete": True},
            )  # fmt: skip


def attach(objs: list[models.Model], weighed: int = 0) -> int:
    """Fill in the rows' attachments from headquarters' store; refuse the batch if one lacks.

    Nothing of the batch is stored or acknowledged then: the node sends what is missing, then
    the batch again. `objs` may be part of a batch whose other parts' attachments weigh
    `weighed` bytes; return what the batch's weigh with these.
    """
    uses = _uses(objs)
    if not uses:
        return weighed
    held = Attachment.objects.filter(pk__in=list(uses), complete=True)
    # An agent cuts its batches at BATCH_BYTES of attachments (one larger attachment alone):
    # a batch that weighs more is not loaded into memory.
    weighed += sum(held.values_list("size", flat=True))
    if weighed > BATCH_BYTES + MAX_BYTES:
        message = _("The attachments of this batch weigh more than headquarters takes at once.")
        raise Refused("malformed", message, 413)
    found = held.values_list("pk", "data")
    contents = {name: bytes(data) for name, data in found}
    missing = sorted(set(uses) - set(contents))
    if missing:
        message = _("Some attachments of this batch have not reached headquarters: send them, "
                    "then the batch again.")  # fmt: skip
        raise Refused("attachments", message, 409, missing=missing[:MAX_NAMES])
    for name, rows in uses.items():
        for obj, attname in rows:
            setattr(obj, attname, contents[name])


def serve(*, post: str, label: str, pk, name: str, offset: int) -> dict:
    """Return the chunk at `offset` of the attachment `name` of the post's record `pk`."""
    model = apps.get_model(label)
    for attname, hashname in WITH_ATTACHMENTS.get(label, {}).items():
        found = (
            model.objects.filter(pk=pk, origin=post, **{hashname: name})
            .annotate(size=Length(attname),
                      chunk=Substr(attname, offset + 1, CHUNK, output_field=models.BinaryField()))
            .values_list("size", "chunk")
            .first()
        )  # fmt: skip
        if found is not None:
            break
    else:
        message = _("Headquarters holds no attachment %(name)s of this post's records.")
        raise Refused("unknown", message % {"name": name}, 404)
    size, chunk = found
    if offset > size:
        message = _("This offset is past the end of the attachment (%(size)s bytes).")
        raise Refused("offset", message % {"size": size}, size=size)
    content = bytes(chunk or b"")[:CHUNK]
    return {"sha256": name, "size": size, "offset": offset,
            "data": base64.b64encode(content).decode("ascii")}  # fmt: skip


# At the post


def upload(records: list[dict], call: Callable[[str, dict], dict]) -> int:
    """Send headquarters the attachments of `records` it lacks, each from the byte it holds;
    return the bytes sent."""
    named = named_in(records)
    if not named:
        return 0
    answer = call(LACKING, {"sha256": sorted(named)})
    sent = 0
    for name, received in sorted((answer.get("lacking") or {}).items()):
        content = _content(*named[name]) if name in named else None
        if content is not None:
            sent += _send(call, name, content, received)
    return sent


def _send(call: Callable[[str, dict], dict], name: str, content: bytes, received) -> int:
    offset = received if isinstance(received, int) and 0 <= received <= len(content) else 0
    sent = 0
    for _attempt in range(2 * (len(content) // CHUNK) + 4):  # a chunk, or a new offset, a turn
        chunk = content[offset : offset + CHUNK]
        payload = {"sha256": name, "size": len(content), "offset": offset,
                   "data": base64.b64encode(chunk).decode("ascii")}  # fmt: skip
        sent += len(chunk)
        try:
            answer = call(SEND, payload)
        except client.HQRefused as refused:
            if refused.code != "offset" or not isinstance(refused.data.get("received"), int):
                raise
            offset = refused.data["received"]  # headquarters' copy ends elsewhere: go on there
            continue
        if answer.get("complete"):
            return sent
        offset = answer.get("received")
        if not isinstance(offset, int) or not 0 <= offset <= len(content):
            break
    message = _("Headquarters does not take attachment %(name)s: its upload does not advance.")
    raise client.LinkDown(message % {"name": name})


def carried(records: Iterable[dict]) -> dict[str, str]:
    """Return the contents of the attachments `records` name, for an exchange file."""
    found = {}
    for name, where in named_in(records).items():
        content = _content(*where)
        if content is not None and digest(content) == name:
            found[name] = base64.b64encode(content).decode("ascii")
    return found


def _decoded(contents) -> dict[str, bytes]:
    """Return the contents of a file's attachments that are what their names say."""
    found = {}
    for name, text in (contents if isinstance(contents, dict) else {}).items():
        try:
            content = base64.b64decode(text, validate=True)
        except (TypeError, ValueError):
            continue
        if digest(content) == name:
            found[name] = content
    return found


def fill(objs: list[models.Model], *, contents=None, fetch: Callable | None = None) -> set[str]:
    """Fill in the rows' attachments from `contents` (an exchange file's), or else fetched
    from headquarters; return the names of those fetched, to `forget` once stored.

    Raise Missing if one is neither carried nor to be fetched.
    """
    carried_here = _decoded(contents)
    fetched = set()
    for name, rows in _uses(objs).items():
        content = carried_here.get(name)
        if content is None:
            if fetch is None:
                message = _("This file lacks the content of attachment %(name)s: export a new "
                            "file at the post.")  # fmt: skip
                raise Missing(message % {"name": name})
            obj = rows[0][0]
            content = download(fetch, label=obj._meta.label, pk=str(obj.pk), name=name)
            fetched.add(name)
        for obj, attname in rows:
            setattr(obj, attname, content)
    return fetched


def _folder():
    folder = settings.VAR_DIR / "attachments"
    folder.mkdir(exist_ok=True)
    return folder


def download(fetch: Callable[[dict], dict], *, label: str, pk: str, name: str) -> bytes:
    """Return the attachment `name` of record `pk`, fetched chunk by chunk into a file that a
    cut link leaves to be continued; discard it if its SHA-256 is not its name."""
    whole, part = _folder() / name, _folder() / f"{name}.part"
    if whole.exists():
        return whole.read_bytes()
    unreadable = _("Headquarters' answer about attachment %(name)s cannot be read.") % {
        "name": name
    }
    with open(part, "ab") as handle:
        offset = handle.tell()
        while True:
            try:
                answer = fetch({"model": label, "id": pk, "sha256": name, "offset": offset})
            except client.HQRefused as refused:
                if refused.code != "offset" or not offset:
                    raise
                offset = 0  # the file holds more than headquarters does: start again
                handle.truncate(offset)
                continue
            try:
                size, chunk = answer["size"], base64.b64decode(answer["data"], validate=True)
            except (KeyError, TypeError, ValueError):
                raise client.LinkDown(unreadable) from None
            if answer.get("offset") != offset or not isinstance(size, int):
                raise client.LinkDown(unreadable)
            handle.write(chunk)
            handle.flush()
            offset += len(chunk)
            if offset >= size or not chunk:
                break
        os.fsync(handle.fileno())
    content = part.read_bytes()
    if digest(content) != name:
        part.unlink()
        message = _("The attachment %(name)s received from headquarters does not have that "
                    "SHA-256: it was discarded.")  # fmt: skip
        raise client.LinkDown(message % {"name": name})
    os.replace(part, whole)
    return content


def forget(names: Iterable[str]) -> None:
    """Remove the fetched attachments once their records are stored."""
    for name in names:
        (_folder() / name).unlink(missing_ok=True)
