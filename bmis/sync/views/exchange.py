"""Headquarters' endpoints for the posts' nodes: enrol, push and pull, as signed JSON.

Bodies may come gzipped (`client.py`); an answer is gzipped when the node accepts it, and signed
before, as JSON.
"""

import functools
import gzip

import orjson
from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bmis.sync import client, feed, services, signing
from bmis.sync.services import Refused

MAX_BODY = 64 * 1024 * 1024  # bytes of JSON a request may unpack to (a batch is under 5 MB)


def _answer(request: HttpRequest, data: dict, status: int = 200, number: int = 0) -> JsonResponse:
    """Return `data` as JSON, signed by headquarters' key for the node to check."""
    response = JsonResponse(data, status=status)
    text = signing.message("RESPONSE", request.path, "HQ", number, response.content)
    response["X-BMIS-Signature"] = signing.sign(signing.own_key(), text)
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    if len(response.content) >= client.COMPRESS_FROM and "gzip" in accepted.lower():
        response.content = gzip.compress(response.content, compresslevel=6, mtime=0)
        response["Content-Encoding"] = "gzip"
    return response


def _refusal(request: HttpRequest, node: str, refused: Refused, number: int = 0) -> JsonResponse:
    services.refused(node=node, code=refused.code, message=refused.message, request=request)
    data = {"error": refused.code, "message": refused.message, **refused.extra}
    return _answer(request, data, refused.status, number)


def _json(body: bytes, encoding: str | None = None) -> dict:
    try:
        body = client.unpacked(body, encoding, MAX_BODY)
    except ValueError:
        raise Refused(
            "malformed", _("The request's compressed body is damaged or too large.")
        ) from None
    try:
        data = orjson.loads(body)  # strict JSON: no NaN, nothing a row cannot hold
    except (ValueError, UnicodeDecodeError):
        raise Refused("malformed", _("The request is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise Refused("malformed", _("The request is not valid JSON."))
    return data


def _headquarters_only() -> None:
    if settings.BMIS_ROLE != "hq":
        raise Http404


@csrf_exempt
@require_POST
def enrol(request: HttpRequest) -> JsonResponse:
    _headquarters_only()
    node = ""
    try:
        data = _json(request.body, request.META.get("HTTP_CONTENT_ENCODING"))
        node = str(data.get("post", ""))[:10]
        answer = services.node_enrol(
            post_code=node,
            code=str(data.get("code", "")),
            public_key=str(data.get("public_key", "")),
            version=str(data.get("version", "")),
            request=request,
        )
    except Refused as refused:
        return _refusal(request, node, refused)
    return _answer(request, answer)


def _signed(request: HttpRequest):
    meta = request.META
    node = meta.get("HTTP_X_BMIS_NODE", "")[:10]
    link = services.authenticate(
        node=node,
        number=meta.get("HTTP_X_BMIS_REQUEST", ""),
        signature=meta.get("HTTP_X_BMIS_SIGNATURE", ""),
        sent_at=meta.get("HTTP_X_BMIS_TIME", ""),
        version=meta.get("HTTP_X_BMIS_VERSION", ""),
        method=request.method,
        path=request.path,
        body=request.body,
    )
    return link, _json(request.body, meta.get("HTTP_CONTENT_ENCODING"))


def _number(request: HttpRequest) -> int:
    try:
        return int(request.META.get("HTTP_X_BMIS_REQUEST", "0"))
    except ValueError:
        return 0


def endpoint(serve):
    """Make `serve(request, link, data) -> dict` a signed endpoint of headquarters: the request
    authenticated, its refusal audited, and either answer signed with the request's number."""

    @csrf_exempt
    @require_POST
    @functools.wraps(serve)
    def view(request: HttpRequest) -> JsonResponse:
        _headquarters_only()
        node = request.META.get("HTTP_X_BMIS_NODE", "")[:10]
        number = _number(request)
        try:
            link, data = _signed(request)
            answer = serve(request, link, data)
        except Refused as refused:
            return _refusal(request, node, refused, number)
        return _answer(request, answer, number=number)

    return view


@endpoint
def push(request: HttpRequest, link, data: dict) -> dict:
    return services.push_receive(link=link, payload=data, request=request)


@endpoint
def pull(request: HttpRequest, link, data: dict) -> dict:
    cursor = data.get("cursor") if isinstance(data.get("cursor"), dict) else {}
    try:
        answer = feed.pull_serve(link=link, cursor=cursor, restoring=bool(data.get("restoring")))
    except (TypeError, ValueError):
        raise Refused("malformed", _("The cursor is malformed.")) from None
    services.pull_served(link=link, answer=answer, request=request)
    return answer
