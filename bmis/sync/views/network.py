"""Headquarters' page of the network of posts, and the administrators' actions on a post's node:
issue an enrolment code, revoke the node. On a post's node these pages do not exist (404)."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bmis.accounts.access import role_required
from bmis.accounts.roles import Role
from bmis.core.htmx import wants_fragment
from bmis.posts.models import Post
from bmis.sync import network, services
from bmis.sync.models import NodeLink

TEMPLATE = "sync/network.html"


def headquarters_only(view):
    """Answer 404 on a post's node, before asking anyone to sign in: the page is not there."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.BMIS_ROLE != "hq":
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _page(request: HttpRequest, **extra) -> HttpResponse:
    rows = network.read()
    context = {
        "rows": rows,
        "summary": network.summary(rows),
        "hq_version": settings.VERSION,
        "silent_hours": settings.BMIS_SILENT_HOURS,
        "clock_tolerance": settings.BMIS_CLOCK_TOLERANCE_SECONDS,
        **extra,
    }
    template = TEMPLATE + "#results" if wants_fragment(request) else TEMPLATE
    return render(request, template, context)


def _row(request: HttpRequest, post: Post, **extra) -> HttpResponse:
    (row,) = network.read(posts=[post])
    return render(request, TEMPLATE + "#node_row", {"row": row, "in_row": True, **extra})


@headquarters_only
@role_required(Role.ADMIN)
def network_page(request: HttpRequest) -> HttpResponse:
    """Show every active post's node: its state, last contact, what waits and what it holds."""
    return _page(request)


@headquarters_only
@role_required(Role.ADMIN)
@require_POST
@never_cache
def code_issue(request: HttpRequest, code: str) -> HttpResponse:
    """Issue a post's enrolment code and show it, this once: it is stored only as a hash."""
    post = get_object_or_404(Post.objects.active(), code=code)
    issued = {
        "post": post,
        "code": services.node_code_issue(actor=request.user, post=post, request=request),
        "expires": NodeLink.objects.get(post=post).enrolment_expires_at,
    }
    if wants_fragment(request):
        return _row(request, post, issued=issued)
    # No redirect: the code would have to be kept somewhere until the next page.
    return _page(request, issued=issued)


@headquarters_only
@role_required(Role.ADMIN)
@require_POST
def revoke(request: HttpRequest, code: str) -> HttpResponse:
    """Revoke a post's node: headquarters forgets its key until it enrols again."""
    post = get_object_or_404(Post.objects.active(), code=code)
    link = NodeLink.objects.filter(post=post, revoked_at=None).exclude(public_key="").first()
    if link is not None:
        services.node_revoke(actor=request.user, link=link, request=request)
    if wants_fragment(request):
        return _row(request, post)
    if link is None:
        messages.info(request, _("The post %(post)s has no node to revoke.") % {"post": post.code})
    else:
        messages.success(
            request,
            _(
                "The node of %(post)s is revoked: headquarters refuses its requests until it "
                "enrols again with a new code."
            )
            % {"post": post.code},
        )
    return redirect("sync:network")
