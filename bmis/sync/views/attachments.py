"""Headquarters' endpoints for attachments: which it lacks, a chunk in, a chunk out.

Signed and numbered as push and pull are (`exchange.endpoint`), refused and audited the same
way; `bmis.sync.attachments` says what they do and why.
"""

import base64
import binascii
import uuid

from django.utils.translation import gettext as _

from bmis.sync import attachments
from bmis.sync.registry import WITH_ATTACHMENTS
from bmis.sync.services import Refused
from bmis.sync.views import exchange


def _name(value) -> str:
    if not isinstance(value, str) or not attachments.NAME.fullmatch(value):
        message = _("The name of an attachment is its SHA-256: 64 lowercase hexadecimal digits.")
        raise Refused("malformed", message)
    return value


def _bytes(value) -> int:
    if type(value) is not int or not 0 <= value < 2**62:
        raise Refused("malformed", _("Sizes and offsets are whole numbers of bytes."))
    return value


@exchange.endpoint
def lacking(request, link, data: dict) -> dict:
    names = data.get("sha256")
    if not isinstance(names, list) or len(names) > attachments.MAX_NAMES:
        message = _("Ask about a list of at most %(limit)s attachments.")
        raise Refused("malformed", message % {"limit": attachments.MAX_NAMES})
    return {"lacking": attachments.lacking(sorted({_name(name) for name in names}))}


@exchange.endpoint
def send(request, link, data: dict) -> dict:
    name, text = _name(data.get("sha256")), data.get("data")
    size, offset = _bytes(data.get("size")), _bytes(data.get("offset"))
    try:
        if not isinstance(text, str) or len(text) > 2 * attachments.CHUNK:
            raise ValueError
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        message = _("The chunk is not base64 of at most a chunk's size.")
        raise Refused("malformed", message) from None
    return attachments.receive(name=name, size=size, offset=offset, content=content)


@exchange.endpoint
def fetch(request, link, data: dict) -> dict:
    label, name, offset = data.get("model"), _name(data.get("sha256")), _bytes(data.get("offset"))
    try:
        if not isinstance(label, str) or label not in WITH_ATTACHMENTS:
            raise ValueError
        pk = uuid.UUID(str(data.get("id")))
    except ValueError:
        raise Refused("malformed", _("Name the record the attachment belongs to.")) from None
    return attachments.serve(post=link.post.code, label=label, pk=pk, name=name, offset=offset)
