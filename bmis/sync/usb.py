"""The exchange on a USB stick, for a post with no link at all: signed files, both ways.

At the post, `export` writes the node's request: every push batch waiting (as many as one file
carries) and its pull cursor. At headquarters, `take_request` checks it as it checks a request
over HTTP (the node's signature, a request number never seen before, every refusal audited),
stores the batches, serves the pulls that follow the cursor and writes the answer, signed by
headquarters' key. Back at the post, `take_answer` applies it. Nothing is lost or doubled by a
file carried twice, late, or not at all: headquarters stores a record once however often it
arrives, and the node applies a pull answer only if its cursor is still where that answer began.

A file is gzip-compressed JSON (`FORMAT`, `VERSION`):

    {"format": "openbmis-sync", "version": 1, "node": "OUA" | "HQ", "number": 12,
     "body": "<JSON text>", "signature": "<base64 Ed25519>"}

signed as an HTTP exchange is (`signing.message`) over the body's UTF-8 bytes: the post's
request with method "FILE" on `PATH`, headquarters' answer with "RESPONSE", node "HQ" and the
request's number. The bodies are `REQUEST` and `ANSWER` below, each answer to a batch or a pull
as the endpoint would give it, beside the batch's range or the pull's request it answers. A file
is self-contained: the attachments of the records it carries (photos) go inside it, beside their
batch or pull answer (`"attachments": {sha256: base64}`), where the network would upload or fetch
them (`attachments`).
"""

import base64
import contextlib
import gzip
import json
import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import orjson
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.sync import agent, attachments, feed, services, signing
from bmis.sync.models import Change, NodeLink, NodeState
from bmis.sync.services import Refused

FORMAT = "openbmis-sync"
VERSION = 1
PATH = "/sync/file"
# What one file carries, in bytes of JSON before compression: the rest waits for the next one.
FILE_BYTES = 100_000_000
# A file that unpacks to more is not one of ours (and may be a bomb).
READ_BYTES = 3 * FILE_BYTES
GZIP_MAGIC = b"\x1f\x8b"
# What a body must hold (`_fits`); more may follow.
CURSOR = {"txid": int, "seq": int}
RANGE = {"from_seq": int, "to_seq": int}
REFUSAL = {"error": str, "message": str}
REQUEST = {"kind": "request", "post": str, "epoch": int, "pushes": [RANGE],
           "pull": {"cursor": CURSOR, "restoring": bool}}  # fmt: skip
ANSWER = {
    "kind": "answer", "post": str, "epoch": int,
    "pushes": [{"batch": RANGE,
                "answer": (REFUSAL, {"acked": int, "stored": int, "refused": list})}],
    "pulls": [{"request": {"cursor": CURSOR, "restoring": bool},
               "answer": {"records": list, "cursor": CURSOR, "more": bool}}],
}  # fmt: skip


class ExchangeFileError(Exception):
    """A file this node will not write or take: the message says why, in the active language."""


@dataclass
class Exported:
    number: int
    records: int
    more: bool  # changes are left for the next file


@dataclass
class Taken:
    """What a file did: at headquarters, records stored; at a post, records acknowledged."""

    post: str = ""
    pushed: int = 0
    pulled: int = 0
    refused: int = 0
    problem: str = ""  # why headquarters refused a batch
    more: bool = False  # more remains to exchange than this file carried


@dataclass
class _File:
    node: str
    number: int
    text: bytes  # the body as signed
    signature: str
    body: dict


def more_message() -> str:
    return _(
        "More remains to exchange than one file carries: once headquarters' answer is imported "
        "at the post, export a new file."
    )


def answer_path(path: Path) -> Path:
    """Return where headquarters writes its answer to the file at `path` by default."""
    path = Path(path)
    return path.with_name(f"{path.stem}-answer{path.suffix}")


# At the post


def export(path: Path) -> Exported:
    """Write the node's request to `path`: the push batches waiting and the pull cursor.

    A node being rebuilt (`restoring`) pushes nothing until everything is back.
    """
    current = agent.state()
    pushes, size, more, after = [], 0, False, None
    while not current.restoring and (batch := agent.push_batch(after=after)) is not None:
        batch["attachments"] = attachments.carried(batch["records"])
        length = len(_dumps(batch))
        if pushes and size + length > FILE_BYTES:
            more = True
            break
        pushes.append(batch)
        size += length
        after = batch["to_seq"]
    body = {
        "kind": "request",
        "post": settings.BMIS_NODE,
        "epoch": current.epoch,
        "created_at": timezone.now().isoformat(),
        "version": settings.VERSION,
        "pushes": pushes,
        "more": more,
        "pull": agent.pull_request(restoring=current.restoring),
    }
    number = agent._number()
    _write(path, node=settings.BMIS_NODE, number=number, body=body, method="FILE")
    records = sum(len(batch["records"]) for batch in pushes)
    return Exported(number=number, records=records, more=more)


def take_answer(path: Path) -> Taken:
    """Apply headquarters' answer at `path`: acknowledgements first, then the pulls in order.

    An answer taken before, or overtaken by a later exchange, changes nothing.
    """
    current = agent.state()
    file = _read(path)
    if file.node != "HQ":
        message = _("This file was written by post %(post)s for headquarters: import it there.")
        raise ExchangeFileError(message % {"post": file.node})
    text = signing.message("RESPONSE", PATH, "HQ", file.number, file.text)
    if not signing.verify(current.hq_public_key, file.signature, text):
        raise ExchangeFileError(_("This file is not signed by headquarters' key."))
    if not _fits(file.body, ANSWER):
        raise _malformed(path)  # before anything is applied
    if file.body["post"] != settings.BMIS_NODE:
        message = _("This answer is for post %(theirs)s, not for this post (%(ours)s).")
        raise ExchangeFileError(message % {"theirs": file.body["post"], "ours": settings.BMIS_NODE})
    if file.body.get("epoch") != current.epoch:
        raise ExchangeFileError(
            _("This answer was made before this node enrolled again: export a new file.")
        )
    taken = Taken(post=settings.BMIS_NODE)
    pulls = file.body["pulls"]
    for entry in file.body["pushes"]:
        batch, answer = entry["batch"], entry["answer"]
        if _fits(answer, REFUSAL):
            taken.problem = answer["message"]
            if answer["error"] == "gap" and _fits(answer.get("acked"), int):
                # Headquarters lost acknowledged batches: send again from what it holds, unless
                # the node has moved on since this file left.
                NodeState.objects.filter(pushed_seq=batch["from_seq"] - 1).update(
                    pushed_seq=answer["acked"]
                )
            break
        if answer["acked"] > agent.state().pushed_seq:
            done = agent.push_answered(answer)
            taken.pushed += done.pushed
            taken.refused += len(done.refused)
    for entry in pulls:
        request, restoring = entry["request"], entry["request"]["restoring"]
        try:
            done = agent.pull_apply(
                entry["answer"], request=request, restoring=restoring, fetch=False
            )
        except attachments.Missing as missing:  # the answers before it are applied: no harm
            raise ExchangeFileError(str(missing)) from None
        taken.pulled += done.pulled
        taken.refused += len(done.refused)
    last = pulls[-1]["answer"] if pulls else None
    current = agent.state()
    at_end = last is not None and last["cursor"] == {
        "txid": current.pull_txid,
        "seq": current.pull_seq,
    }
    if at_end and current.restoring and not last["more"]:
        agent.restored(taken.pulled)
    waiting = Change.objects.filter(
        seq__gt=current.pushed_seq, pulled=False, origin=settings.BMIS_NODE
    ).exists()
    taken.more = waiting or (at_end and last["more"])
    return taken


# At headquarters


def take_request(path: Path, out: Path) -> Taken:
    """Take a post's request at `path`: store its batches in order, serve the pulls that follow
    its cursor, and write the signed answer to `out`.

    The file is checked as a request over HTTP is: a forged or replayed one is refused, and
    every refusal is audited (`sync.refused`).
    """
    file = _read(path)
    if file.node == "HQ":
        raise ExchangeFileError(
            _("This file is headquarters' answer: import it at the post it is for.")
        )
    if not _fits(file.body, REQUEST) or file.body["post"] != file.node:
        raise _malformed(path)  # before anything is stored, its request number included
    pull = file.body["pull"]
    node = file.node
    known = NodeLink.objects.filter(post__code=node).exclude(public_key="").first()
    if known is not None and file.body.get("epoch") != known.epoch:
        # Refused before its number is taken: the node numbers its requests from 1 again.
        message = _("This file was written before the post's node enrolled again.")
        services.refused(node=node, code="epoch", message=message)
        raise ExchangeFileError(message)
    try:
        link = services.authenticate(
            node=node,
            number=str(file.number),
            signature=file.signature,
            sent_at="",  # written hours or days ago: it says nothing of the post's clock
            method="FILE",
            path=PATH,
            body=file.text,
            version=str(file.body.get("version", "")),
        )
    except Refused as refused:
        services.refused(node=node, code=refused.code, message=refused.message)
        if refused.code == "replay":
            raise ExchangeFileError(
                _(
                    "This file was already imported, or the post has exchanged with "
                    "headquarters since it was written: export a new file at the post."
                )
            ) from None
        message = _("Headquarters refuses this file: %(reason)s")
        raise ExchangeFileError(message % {"reason": refused.message}) from None
    taken = Taken(post=link.post.code)
    answers = []
    for batch in file.body["pushes"]:
        answer = _receive(link, batch)
        answers.append(
            {"batch": {"from_seq": batch["from_seq"], "to_seq": batch["to_seq"]}, "answer": answer}
        )
        if "error" in answer:  # the batches after it would be refused too: the node resends
            taken.problem = answer["message"]
            break
        taken.pushed += answer["stored"]
        taken.refused += len(answer["refused"])
    pulls, size, cursor = [], 0, {"txid": pull["cursor"]["txid"], "seq": pull["cursor"]["seq"]}
    while True:
        served = feed.pull_serve(link=link, cursor=cursor, restoring=pull["restoring"])
        served["attachments"] = attachments.carried(served["records"])
        length = len(_dumps(served))
        if pulls and size + length > FILE_BYTES:
            taken.more = True
            break
        pulls.append(
            {"request": {"cursor": cursor, "restoring": pull["restoring"]}, "answer": served}
        )
        size += length
        taken.pulled += len(served["records"])
        cursor = served["cursor"]
        if not served["more"]:
            break
    taken.more = taken.more or bool(file.body.get("more"))
    body = {
        "kind": "answer",
        "post": link.post.code,
        "epoch": link.epoch,
        "request": file.number,
        "created_at": timezone.now().isoformat(),
        "version": settings.VERSION,
        "pushes": answers,
        "pulls": pulls,
    }
    try:
        _write(out, node="HQ", number=file.number, body=body, method="RESPONSE")
    except ExchangeFileError as exc:
        message = _(
            "The file was taken, but its answer cannot be written (%(reason)s): export a new "
            "file at the post; nothing will be stored twice."
        )
        raise ExchangeFileError(message % {"reason": exc}) from None
    return taken


def _receive(link, batch: dict) -> dict:
    """Return headquarters' answer to one batch, as the push endpoint would give it."""
    try:
        attachments.store_carried(batch.get("attachments"))
        return services.push_receive(link=link, payload=batch)
    except Refused as exc:
        refused = exc
    except (TypeError, ValueError):  # a value of the wrong type, in a signed batch
        refused = Refused("malformed", _("The batch is malformed."))
    services.refused(node=link.post.code, code=refused.code, message=refused.message)
    return {"error": refused.code, "message": refused.message, **refused.extra}


# The file


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _write(path: Path, *, node: str, number: int, body: dict, method: str) -> None:
    """Write a signed file at `path`, whole or not at all: under a temporary name first, then
    renamed, so that a stick pulled out mid-write leaves no half file under the final name."""
    path = Path(path)
    text = _dumps(body).encode()
    signature = signing.sign(signing.own_key(), signing.message(method, PATH, node, number, text))
    envelope = {"format": FORMAT, "version": VERSION, "node": node, "number": number,
                "body": text.decode(), "signature": signature}  # fmt: skip
    content = gzip.compress(_dumps(envelope).encode(), mtime=0)
    temporary = None
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        temporary = None
        with contextlib.suppress(OSError):  # the rename made durable, where the folder allows
            folder = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
    except OSError as exc:
        message = _("%(path)s cannot be written: %(reason)s")
        raise ExchangeFileError(message % {"path": path, "reason": exc.strerror or exc}) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _read(path: Path) -> _File:
    """Return the file at `path`, read and unpacked but not yet verified; refuse a file that is
    not an exchange file, or is truncated, damaged or of another format version."""
    path = Path(path)
    not_ours = _("%(path)s is not an OpenBMIS exchange file.") % {"path": path}
    damaged = _(
        "%(path)s is damaged or incomplete (was the stick removed while it was written?): "
        "write it again."
    ) % {"path": path}
    try:
        with open(path, "rb") as handle:
            if handle.read(2) != GZIP_MAGIC:
                raise ExchangeFileError(not_ours)
            handle.seek(0)
            with gzip.GzipFile(fileobj=handle) as unpacked:
                content = unpacked.read(READ_BYTES + 1)
    except (EOFError, zlib.error, gzip.BadGzipFile):
        raise ExchangeFileError(damaged) from None
    except OSError as exc:
        message = _("%(path)s cannot be read: %(reason)s")
        raise ExchangeFileError(message % {"path": path, "reason": exc.strerror or exc}) from None
    if len(content) > READ_BYTES:
        raise ExchangeFileError(
            _("%(path)s is larger than an exchange file can be.") % {"path": path}
        )
    envelope = _json(content)
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise ExchangeFileError(damaged if envelope is None else not_ours)
    if envelope.get("version") != VERSION:
        message = _(
            "%(path)s is in version %(theirs)s of the exchange file format; this node reads "
            "version %(ours)s."
        )
        theirs = str(envelope.get("version"))[:20]
        raise ExchangeFileError(message % {"path": path, "theirs": theirs, "ours": VERSION})
    node, number = envelope.get("node"), envelope.get("number")
    text, signature = envelope.get("body"), envelope.get("signature")
    try:
        text = text.encode() if isinstance(text, str) else None
    except UnicodeEncodeError:  # half a character, escaped in the JSON
        text = None
    body = _json(text) if text is not None else None
    if not (
        isinstance(node, str)
        and settings.POST_CODE_RE.fullmatch(node)
        and _fits(number, int)
        and 0 < number < 2**63
        and _canonical(signature)
        and isinstance(body, dict)
    ):
        raise ExchangeFileError(damaged)
    return _File(node=node, number=number, text=text, signature=signature, body=body)


def _json(content: bytes):
    """Return the JSON value in `content`, or None if it holds none."""
    try:
        return orjson.loads(content)  # strict JSON: no NaN, nothing a row cannot hold
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _canonical(signature) -> bool:
    """Return whether `signature` is base64 written the one way (its unused bits zero): a file
    altered in any byte is refused, even where the signature would still read the same."""
    try:
        return base64.b64encode(base64.b64decode(signature, validate=True)).decode() == signature
    except (ValueError, TypeError):
        return False


def _fits(value, shape) -> bool:
    """Return whether `value` has `shape`: a type, a constant, a dict of the shapes of the keys
    it must have (others may follow), a list of one shape for every item, or a tuple of shapes
    of which one must fit."""
    if isinstance(shape, dict):
        return isinstance(value, dict) and all(
            key in value and _fits(value[key], inner) for key, inner in shape.items()
        )
    if isinstance(shape, list):
        return isinstance(value, list) and all(_fits(item, shape[0]) for item in value)
    if isinstance(shape, tuple):
        return any(_fits(value, one) for one in shape)
    if isinstance(shape, type):  # True is an int to Python, not to a request number
        return isinstance(value, shape) and (shape is bool or not isinstance(value, bool))
    return value == shape


def _malformed(path: Path) -> ExchangeFileError:
    return ExchangeFileError(
        _("%(path)s does not hold what an exchange file holds.") % {"path": path}
    )
