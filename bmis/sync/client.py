"""The post's side of the wire: signed JSON requests to headquarters, over HTTP(S).

The standard library's `urllib` is enough for a few JSON POSTs a minute and keeps the post's
dependencies small. Every answer from headquarters must carry headquarters' signature.

Bodies are gzipped both ways (`Content-Encoding: gzip`): a batch's JSON shrinks about tenfold,
which is what a post on a slow link waits for. A request is signed as sent (compressed); an
answer is signed as JSON, before headquarters compresses it.
"""

import gzip
import urllib.error
import urllib.request
import zlib

import orjson
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bmis.sync import signing

TIMEOUT = 60
COMPRESS_FROM = 1024  # bytes: smaller bodies go as they are
MAX_ANSWER = 256 * 1024 * 1024  # bytes of JSON an answer may unpack to


def unpacked(content: bytes, encoding: str | None, limit: int) -> bytes:
    """Return `content` as sent before its `Content-Encoding` (gzip or none); raise ValueError
    if it is not what it says or unpacks to more than `limit` bytes (a zip bomb)."""
    if (encoding or "identity").strip().lower() in ("", "identity"):
        return content
    if encoding.strip().lower() != "gzip":
        raise ValueError(f"unknown content encoding {encoding!r}")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(content, limit + 1)
    except zlib.error as exc:
        raise ValueError(str(exc)) from None
    if len(data) > limit:
        raise ValueError(f"unpacks to more than {limit} bytes")
    if not inflater.eof:
        raise ValueError("truncated gzip data")
    return data


class LinkDown(Exception):
    """Headquarters could not be reached, or the answer did not arrive whole: try again later."""


class HQRefused(Exception):
    """Headquarters refused the request: `code` says why (see services.Refused)."""

    def __init__(self, code: str, message: str, data: dict | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.data = code, message, data or {}


class Prepared(dict):
    """A request's payload with its body made already (`prepared`): `call` sends that body."""

    body: tuple[bytes, dict]


def prepared(payload: dict) -> Prepared:
    """Return `payload` with the body `call` would make of it: made ahead, in a thread, while
    the request before it is on the wire (compressing releases the interpreter's lock)."""
    ready = Prepared(payload)
    ready.body = _body(payload)
    return ready


def _body(payload: dict) -> tuple[bytes, dict]:
    """Return the request body of `payload` (JSON, gzipped from COMPRESS_FROM bytes) and its
    encoding header."""
    body = orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS)
    if len(body) < COMPRESS_FROM:
        return body, {}
    return gzip.compress(body, compresslevel=6, mtime=0), {"Content-Encoding": "gzip"}


def call(hq_url: str, path: str, payload: dict, *, number: int = 0, hq_key: str = "") -> dict:
    """POST `payload` to headquarters; return its answer, checked against `hq_key` when given.

    `number` (the node's request number) is 0 for enrolment, which is not signed: the one-time
    code stands for the node's identity, and the answer brings headquarters' key.
    """
    url = hq_url.rstrip("/") + path
    body, encoding = payload.body if isinstance(payload, Prepared) else _body(payload)
    headers = {
        "Content-Type": "application/json",
        "Accept-Encoding": "gzip",
        "X-BMIS-Version": settings.VERSION,
        # Headquarters says why it refuses in the node's language.
        "Accept-Language": translation.get_language() or settings.LANGUAGE_CODE,
        **encoding,
    }
    if number:
        text = signing.message("POST", path, settings.BMIS_NODE, number, body)
        headers.update(
            {
                "X-BMIS-Node": settings.BMIS_NODE,
                "X-BMIS-Request": str(number),
                "X-BMIS-Time": timezone.now().isoformat(),
                "X-BMIS-Signature": signing.sign(signing.own_key(), text),
            }
        )
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            status, content, signature = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, signature = error.code, error.headers
        try:
            content = error.read()
        except OSError as exc:
            raise LinkDown(str(exc)) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise LinkDown(str(getattr(exc, "reason", exc))) from None
    if status >= 500:
        raise LinkDown(_("Headquarters had an error (HTTP %(status)s).") % {"status": status})
    try:
        content = unpacked(content, signature.get("Content-Encoding"), MAX_ANSWER)
    except ValueError:
        raise LinkDown(_("Headquarters' answer did not arrive whole.")) from None
    if hq_key:
        text = signing.message("RESPONSE", path, "HQ", number, content)
        if not signing.verify(hq_key, signature.get("X-BMIS-Signature", ""), text):
            raise LinkDown(_("The answer is not signed by headquarters' key."))
    try:
        data = orjson.loads(content)
    except (ValueError, UnicodeDecodeError):
        message = _("Headquarters' answer is not JSON (HTTP %(status)s).")
        raise LinkDown(message % {"status": status}) from None
    if status >= 400 or not isinstance(data, dict):
        if status >= 500 or not isinstance(data, dict):
            raise LinkDown(_("Headquarters had an error (HTTP %(status)s).") % {"status": status})
        raise HQRefused(str(data.get("error", "")), str(data.get("message", "")), data)
    return data
