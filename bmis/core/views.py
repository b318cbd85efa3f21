import json
import logging
from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bmis.accounts.access import role_required
from bmis.accounts.models import User
from bmis.accounts.roles import POST_ROLES, STAFF_VIEWERS, Role
from bmis.accounts.services import locked_usernames
from bmis.core import audit
from bmis.core.forms import AuditFilterForm
from bmis.core.htmx import wants_fragment
from bmis.core.models import AuditEvent
from bmis.posts.models import Post
from bmis.posts.views import staff_of_post
from bmis.reference.models import Country, RefusalReason, TravelPurpose

logger = logging.getLogger(__name__)


def _post_today(user) -> dict:
    """Return today's figures of the user's post: decisions, referrals waiting, open cases."""
    from bmis.crossings.models import Crossing, StayCase

    today = Crossing.objects.at_post(user.post).on_day(timezone.localdate()).in_force()
    counts = {"entry_admitted": 0, "exit_admitted": 0, "refused": 0}
    for direction, decision, n in today.values_list("direction", "decision").annotate(
        n=Count("pk")
    ):
        key = "refused" if decision == "refused" else f"{direction}_{decision}"
        counts[key] = counts.get(key, 0) + n
    return {
        "today_counts": counts,
        "awaiting": Crossing.objects.awaiting_secondary().filter(post=user.post).count(),
        "open_cases": StayCase.objects.visible_to(user).open().count(),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show the signed-in user the home page of their role."""
    user = request.user
    context = {
        "sign_ins": AuditEvent.objects.filter(actor=user, action="login").order_by("-at")[:5],
    }
    if user.role in POST_ROLES:
        context["post"] = user.post
        context["counters"] = user.post.counters.filter(is_active=True)
        context |= _post_today(user)
        if user.role in STAFF_VIEWERS:
            context["post"], context["staff"] = user.post, staff_of_post(user.post, user)
    else:
        context["posts"] = (
            Post.objects.visible_to(user)
            .active()
            .annotate(counter_count=Count("counters", filter=Q(counters__is_active=True)))
        )
        context["reference_counts"] = {
            "countries": Country.objects.filter(is_active=True).count(),
            "refusal_reasons": RefusalReason.objects.filter(is_active=True).count(),
            "purposes": TravelPurpose.objects.filter(is_active=True).count(),
        }
    if user.role == Role.ADMIN:
        by_role = dict(
            User.objects.filter(is_active=True).values_list("role").annotate(n=Count("pk"))
        )
        context["users_by_role"] = [(label, by_role.get(value, 0)) for value, label in Role.choices]
        context["locked"] = locked_usernames()
        context["recent_events"] = AuditEvent.objects.select_related("actor").order_by("-at")[:10]
    return render(request, "core/home.html", context)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Report, for monitoring, whether the node can serve: database, migrations, identity."""
    report = {
        "status": "ok",
        "version": settings.VERSION,
        "role": settings.BMIS_ROLE,
        "post": settings.BMIS_POST or None,
        "node": settings.BMIS_NODE,
        "time": timezone.now().isoformat(),
    }
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = {"status": "ok", "vendor": connection.vendor}
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        report["migrations"] = {
            "status": "ok" if not pending else "pending",
            "pending": [f"{m.app_label}.{m.name}" for m, _backwards in pending],
        }
    except DatabaseError as exc:
        logger.warning("healthz: database unreachable: %s", exc)
        report["database"] = {"status": "unreachable", "error": str(exc)[:200]}
        report["status"] = "error"
    if report.get("migrations", {}).get("status") == "pending":
        report["status"] = "error"
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


# --- The audit trail ----------------------------------------------------------------------------


@role_required(Role.ADMIN)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("actor").order_by("-at", "-seq")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action__startswith=data["action"])
        if data["user"]:
            events = events.filter(
                Q(actor_username__iexact=data["user"])
                | Q(object_type="username", object_id__iexact=data["user"])
            )
        if data["node"]:
            events = events.filter(origin=data["node"])
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"])
        if data["address"]:
            events = events.filter(address=data["address"])
        tz = timezone.get_current_timezone()
        if data["start"]:
            events = events.filter(at__gte=datetime.combine(data["start"], time.min, tz))
        if data["end"]:
            events = events.filter(at__lte=datetime.combine(data["end"], time.max, tz))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    template = "core/audit_list.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, {"form": form, "page": page})


@role_required(Role.ADMIN)
def audit_detail(request: HttpRequest, event_id) -> HttpResponse:
    event = get_object_or_404(AuditEvent.objects.select_related("actor"), pk=event_id)
    details_json = json.dumps(event.details, indent=2, ensure_ascii=False, sort_keys=True)
    return render(request, "core/audit_detail.html", {"event": event, "details_json": details_json})


@role_required(Role.ADMIN)
@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Walk every chain on this node now, and say whether it holds."""
    breaks = audit.verify()
    audit.record(
        actor=request.user,
        action="audit.verified",
        request=request,
        details={"broken": [b.describe() for b in breaks]},
    )
    if breaks:
        for found in breaks:
            messages.error(
                request,
                _("The audit trail is broken: %(where)s") % {"where": found.describe()},
            )
    else:
        messages.success(request, _("The audit trail is intact: no event was edited or deleted."))
    return redirect("core:audit_list")


# --- Errors -------------------------------------------------------------------------------------


def _error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return render(request, "core/error.html", {"status": status, "message": message}, status=status)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = str(exception) if str(exception) else _("You do not have access to this page.")
    return _error(request, 403, message)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 404, _("This page does not exist. Check the address, or go home."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        500,
        _(
            "Something went wrong on this node. Nothing was saved. If it happens again, call your "
            "administrator."
        ),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Refuse a form sent without a valid security token, and keep a trace of it."""
    try:
        audit.record(
            actor=getattr(request, "user", None),
            action="security.csrf_failed",
            request=request,
            details={"path": request.path, "reason": reason},
        )
    except DatabaseError:
        logger.exception("Could not record a CSRF failure in the audit trail")
    return _error(
        request,
        403,
        _(
            "This form has expired or did not come from this application, so it was not "
            "accepted. Reload the page and try again."
        ),
    )
