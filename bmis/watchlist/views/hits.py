"""The hits lists raise after the counter: retroactive hits, and discreet monitoring.

Retroactive hits (rescreen.py) go to the supervisors of the post where the traveller crossed,
who review them, and to headquarters (analysts, watchlist managers, administrators), who see
every post's. A list for discreet monitoring shows nothing at the counter: its hits are listed
here for headquarters only.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bmis.accounts.access import role_required
from bmis.accounts.roles import INSPECTION_SUPERVISORS, LIST_READERS, Role
from bmis.core.htmx import wants_fragment
from bmis.crossings.models import Crossing
from bmis.watchlist import services
from bmis.watchlist.models import RetroHit

HQ_READERS = LIST_READERS
RETRO_READERS = INSPECTION_SUPERVISORS | HQ_READERS
MONITORING_DAYS = 90
PER_PAGE = 50


@role_required(RETRO_READERS)
def retro_hits(request: HttpRequest) -> HttpResponse:
    """List the retroactive hits the user may see: open ones, or all."""
    show_all = request.GET.get("all") == "1"
    hits = RetroHit.objects.visible_to(request.user).select_related(
        "crossing__person", "crossing__post", "watchlist", "reviewed_by"
    )
    if not show_all:
        hits = hits.open()
    page = Paginator(hits, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show_all": show_all,
        "can_review": request.user.role in INSPECTION_SUPERVISORS | {Role.WATCHLIST_MANAGER},
    }
    template = "watchlist/retro_hits.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


@role_required(INSPECTION_SUPERVISORS | {Role.WATCHLIST_MANAGER})
@require_POST
def retro_hit_review(request: HttpRequest, pk) -> HttpResponse:
    """Mark a retroactive hit reviewed, with what was done."""
    hit = get_object_or_404(
        RetroHit.objects.visible_to(request.user).select_related("crossing", "watchlist"), pk=pk
    )
    try:
        services.retro_hit_review(
            actor=request.user, hit=hit, note=request.POST.get("note", ""), request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The hit is marked reviewed."))
    return redirect("watchlist:retro_hits")


@role_required(HQ_READERS)
def monitoring(request: HttpRequest) -> HttpResponse:
    """List the crossings of travellers on a list for discreet monitoring, newest first."""
    since = timezone.now() - timezone.timedelta(days=MONITORING_DAYS)
    crossings = (
        Crossing.objects.filter(at__gte=since, checks__icontains="watchlist_monitor")
        .select_related("person", "post", "document")
        .order_by("-at")
    )
    page = Paginator(crossings, PER_PAGE).get_page(request.GET.get("page"))
    for crossing in page:
        crossing.monitor_hits = [
            result["details"]
            for result in crossing.checks
            if result.get("code") == "watchlist_monitor"
        ]
    return render(request, "watchlist/monitoring.html", {"page": page, "days": MONITORING_DAYS})
