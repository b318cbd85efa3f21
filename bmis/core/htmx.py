"""What an htmx request asks for."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect


def wants_fragment(request: HttpRequest) -> bool:
    """Return whether an htmx request asks for a part of the page rather than all of it."""
    return bool(request.htmx) and not request.htmx.boosted


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """Send the browser to `url`: a client-side redirect for htmx, a plain redirect otherwise."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
