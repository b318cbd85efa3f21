import logging

from django.db import DatabaseError
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class DatabaseErrorMiddleware:
    """Answer 503 with a plain explanation when the node's database cannot be used.

    A corrupt, missing or locked database must not look like a bug in a page: the officer is told
    to call the administrator, and nothing half-written is kept (every write is atomic).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, DatabaseError):
            return None
        logger.exception("Database error on %s", request.path)
        message = _(
            "This node's database cannot be used right now. Nothing was saved. Try again in a "
            "moment; if it happens again, call your administrator."
        )
        return render(request, "core/error.html", {"message": message, "status": 503}, status=503)
