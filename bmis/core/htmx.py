"""What an htmx request asks for."""

from django.http import HttpRequest


def wants_fragment(request: HttpRequest) -> bool:
    """Return whether an htmx request asks for a part of the page rather than all of it."""
    return bool(request.htmx) and not request.htmx.boosted
