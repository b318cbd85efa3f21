"""The post's records: the day's crossings, one crossing and its correction, the travellers,
who is in the country, the overstayers and the data-quality cases.

Post roles see their post's crossings; headquarters (analysts, administrators) sees every post's.
A traveller's profile is open to every post, since a traveller crosses at any of them, but a
crossing of another post is shown there without a link.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bmis.accounts.access import check_post, role_required
from bmis.accounts.roles import CROSSING_VIEWERS, INSPECTION_SUPERVISORS, POST_ROLES
from bmis.core import audit
from bmis.core.forms import add_service_errors
from bmis.core.htmx import wants_fragment
from bmis.crossings import queries, services
from bmis.crossings.forms.records import (
    CaseFilterForm,
    CaseReviewForm,
    CrossingCorrectForm,
    PresentFilterForm,
    TodayFilterForm,
    TravellerSearchForm,
)
from bmis.crossings.models import Crossing, Person, Photo, StayCase
from bmis.crossings.queries import CROSSING_RELATED
from bmis.crossings.reading import problem_message

PER_PAGE = 50
PHOTO_CACHE_SECONDS = 3600


def _page(request: HttpRequest, items, param: str = "page"):
    return Paginator(items, PER_PAGE).get_page(request.GET.get(param))


def _own_post_id(user):
    """Return the post whose records a post role may open, or None for headquarters (all)."""
    return user.post_id if user.role in POST_ROLES else None


def _openable(crossings, user) -> None:
    """Mark each crossing the user may open (those of their post, or all for headquarters)."""
    own = _own_post_id(user)
    for crossing in crossings:
        crossing.openable = own is None or crossing.post_id == own


# --- The day's crossings -----------------------------------------------------------------------


@role_required(CROSSING_VIEWERS)
def today(request: HttpRequest) -> HttpResponse:
    """List a day's crossings at the user's post (any post for headquarters), with totals."""
    user, day = request.user, timezone.localdate()
    data = request.GET.copy()
    data.setdefault("day", day.isoformat())
    form = TodayFilterForm(data, user=user)
    form.is_valid()  # filters that are not valid are left out, and said so
    filters = form.cleaned_data
    day = filters.get("day") or day
    crossings = Crossing.objects.visible_to(user).on_day(day)
    post = user.post if user.role in POST_ROLES else filters.get("post")
    if post is not None:
        crossings = crossings.at_post(post)
    if filters.get("counter"):
        crossings = crossings.filter(counter=filters["counter"])
    if filters.get("direction"):
        crossings = crossings.filter(direction=filters["direction"])
    totals = queries.decision_totals(crossings)
    if filters.get("decision"):
        crossings = crossings.filter(decision=filters["decision"])
    crossings = (
        queries.with_state(crossings)
        .select_related(*CROSSING_RELATED)
        .order_by("-at", "-created_at")
    )
    context = {
        "form": form,
        "day": day,
        "post": post,
        "totals": totals,
        "page": _page(request, crossings),
        "all_posts": user.role not in POST_ROLES,
    }
    template = "crossings/today.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


# --- One crossing ------------------------------------------------------------------------------


def _crossing(request: HttpRequest, pk) -> Crossing:
    """Return the crossing of the address, refusing (403, audited) another post's staff."""
    crossing = get_object_or_404(
        Crossing.objects.select_related(
            *CROSSING_RELATED, "purpose", "accompanied_by__person", "corrects", "resolves"
        ),
        pk=pk,
    )
    check_post(request, crossing.post)
    return crossing


def _problems(crossing: Crossing) -> list[str]:
    messages_ = []
    for problem in crossing.document_problems or []:
        if isinstance(problem, list | tuple) and len(problem) == 2:
            code, where = problem
            messages_.append(problem_message(str(code), str(where) if where else None))
        else:
            messages_.append(str(problem))
    return messages_


@role_required(CROSSING_VIEWERS)
def crossing_detail(request: HttpRequest, pk) -> HttpResponse:
    """Show a crossing in full: its checks, its photo and the records linked to it."""
    crossing = _crossing(request, pk)
    correction = queries.correction_of(crossing)
    user = request.user
    context = {
        "crossing": crossing,
        "correction": correction,
        "latest": queries.latest_version(correction) if correction else crossing,
        "completion": queries.completion_of(crossing),
        "minors": crossing.minors.select_related("person").order_by("at"),
        "problems": _problems(crossing),
        "checks": [
            check
            for check in crossing.checks or []
            if isinstance(check, dict) and check.get("level") != "silent"
        ],
        "photo_crossing": queries.photo_crossing(crossing),
        "can_correct": (
            correction is None
            and user.role in INSPECTION_SUPERVISORS
            and user.post_id == crossing.post_id
        ),
    }
    return render(request, "crossings/crossing_detail.html", context)


@role_required(CROSSING_VIEWERS)
def photo(request: HttpRequest, pk) -> HttpResponse:
    """Return the photo taken with a crossing, to those who may see the crossing."""
    crossing = get_object_or_404(Crossing.objects.select_related("post"), pk=pk)
    check_post(request, crossing.post)
    picture = get_object_or_404(Photo, crossing=crossing)
    content_type = picture.content_type if picture.content_type.startswith("image/") else ""
    response = HttpResponse(bytes(picture.data), content_type=content_type or "image/jpeg")
    patch_cache_control(response, private=True, max_age=PHOTO_CACHE_SECONDS)
    return response


@role_required(INSPECTION_SUPERVISORS)
def crossing_correct(request: HttpRequest, pk) -> HttpResponse:
    """Correct a crossing of the post, or withdraw it: a new record replaces the latest version."""
    original = _crossing(request, pk)
    posted = request.method == "POST"
    form = CrossingCorrectForm(
        request.POST if posted else None, crossing=original, submission=uuid.uuid4()
    )
    valid = posted and form.is_valid()
    if valid:
        # The same form sent twice (a double click, a reload) shows what the first one saved.
        done = Crossing.objects.filter(
            submission=form.cleaned_data["submission"], corrects=original, officer=request.user
        ).first()
        if done is not None:
            return redirect("crossings:crossing_detail", pk=done.pk)
    correction = queries.correction_of(original)
    if correction is not None:
        context = {"original": original, "latest": queries.latest_version(correction)}
        return render(
            request, "crossings/crossing_correct.html", context, status=409 if posted else 200
        )
    if valid:
        try:
            crossing = services.crossing_correct(
                actor=request.user,
                original=original,
                submission=form.cleaned_data["submission"],
                reason=form.cleaned_data["reason"],
                request=request,
                **form.changes(original),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if crossing.void:
                messages.success(request, _("The crossing is withdrawn. The original is kept."))
            else:
                messages.success(request, _("The crossing is corrected. The original is kept."))
            return redirect("crossings:crossing_detail", pk=crossing.pk)
    return render(request, "crossings/crossing_correct.html", {"original": original, "form": form})


# --- Travellers --------------------------------------------------------------------------------


@role_required(CROSSING_VIEWERS)
def traveller_search(request: HttpRequest) -> HttpResponse:
    """Find travellers by name, document number or date of birth; every search is audited."""
    form = TravellerSearchForm(request.GET or None)
    search, error = None, ""
    if form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        try:
            search = queries.search_travellers(query)
        except queries.SearchError as exc:
            error = str(exc)
        else:
            audit.record(
                actor=request.user,
                action="traveller.searched",
                request=request,
                details={"query": query, "results": search.count},
            )
    context = {"form": form, "search": search, "error": error, "limit": queries.SEARCH_LIMIT}
    template = "crossings/traveller_search.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


@role_required(CROSSING_VIEWERS)
def traveller_detail(request: HttpRequest, pk) -> HttpResponse:
    """Show a traveller's profile: identity, documents, status, stays and every crossing."""
    person = get_object_or_404(
        Person.objects.select_related("entry_post", "last_crossing__post"), pk=pk
    )
    user, day = request.user, timezone.localdate()
    crossings = list(
        queries.with_state(person.crossings.all())
        .select_related(*CROSSING_RELATED)
        .order_by("-at", "-created_at")
    )
    _openable(crossings, user)
    photos = Photo.objects.filter(crossing__person=person).defer("data")
    if _own_post_id(user) is not None:
        photos = photos.filter(crossing__post_id=user.post_id)
    context = {
        "person": person,
        "today": day,
        "overstay_days": queries.overstay_days(person, day),
        "documents": person.documents.order_by("-created_at"),
        "crossings": crossings,
        "stays": queries.stays_of(crossings),
        "cases": person.cases.select_related("post", "crossing", "reviewed_by"),
        "photos": photos.select_related("crossing__post").order_by("-crossing__at"),
    }
    audit.record(actor=user, action="traveller.viewed", obj=person, request=request)
    return render(request, "crossings/traveller_detail.html", context)


# --- Who is in the country ---------------------------------------------------------------------


def _present_filters(request: HttpRequest):
    """Return the filter form of the present lists, the post they cover and the nationality."""
    form = PresentFilterForm(request.GET, user=request.user)
    form.is_valid()
    data = form.cleaned_data
    post = queries.scope_posts(
        request.user, post=data.get("post"), everywhere=data.get("everywhere", False)
    )
    nationality = data.get("nationality")
    return form, post, nationality.code if nationality else ""


@role_required(CROSSING_VIEWERS)
def in_country(request: HttpRequest) -> HttpResponse:
    """List the travellers in the country as the records show, the latest arrivals first."""
    form, post, nationality = _present_filters(request)
    people = Person.objects.present().select_related("entry_post")
    if post is not None:
        people = people.filter(entry_post=post)
    if nationality:
        people = people.filter(nationality=nationality)
    people = people.order_by("-present_since", "pk")
    context = {"form": form, "post": post, "page": _page(request, people)}
    template = "crossings/in_country.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


@role_required(CROSSING_VIEWERS)
def overstayers(request: HttpRequest) -> HttpResponse:
    """List the travellers past their permitted stay, and the recent exits after overstays."""
    form, post, nationality = _present_filters(request)
    day = timezone.localdate()
    people = Person.objects.overstaying(day).select_related("entry_post")
    exits = queries.overstaying_exits(Crossing.objects.all(), day)
    if post is not None:
        people = people.filter(entry_post=post)
        exits = exits.filter(post=post)
    if nationality:
        people = people.filter(nationality=nationality)
        exits = exits.filter(person__nationality=nationality)
    page = _page(request, people.order_by("permitted_until", "present_since", "pk"))
    for person in page:
        person.days_over = queries.overstay_days(person, day)
    exits_page = _page(request, exits, "exits_page")
    _openable(exits_page, request.user)
    context = {
        "form": form,
        "post": post,
        "page": page,
        "exits_page": exits_page,
        "recent_days": queries.RECENT_EXIT_DAYS,
    }
    template = "crossings/overstayers.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


# --- Data-quality cases ------------------------------------------------------------------------


@role_required(CROSSING_VIEWERS)
def cases(request: HttpRequest) -> HttpResponse:
    """List the data-quality cases of the post (every post for headquarters), open ones first."""
    form = CaseFilterForm(request.GET)
    form.is_valid()
    show_reviewed = form.cleaned_data.get("reviewed", False)
    found = StayCase.objects.visible_to(request.user).select_related(
        "person", "post", "crossing", "reviewed_by"
    )
    if not show_reviewed:
        found = found.open()
    context = {
        "form": form,
        "show_reviewed": show_reviewed,
        "page": _page(request, found.order_by("-found_at", "pk")),
        "can_review": request.user.role in INSPECTION_SUPERVISORS,
        "all_posts": request.user.role not in POST_ROLES,
    }
    template = "crossings/cases.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


@role_required(INSPECTION_SUPERVISORS)
@require_POST
def case_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a data-quality case of the post reviewed, with the supervisor's note."""
    case = get_object_or_404(
        StayCase.objects.select_related("person", "post", "crossing", "reviewed_by"), pk=pk
    )
    check_post(request, case.post)
    form = CaseReviewForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.case_review(
                actor=request.user, case=case, note=form.cleaned_data["note"], request=request
            )
        except ValidationError as exc:
            errors = exc.messages
    else:
        errors = [error for field_errors in form.errors.values() for error in field_errors]
    if wants_fragment(request):
        context = {
            "case": case,
            "can_review": True,
            "all_posts": False,
            "errors": errors,
            "note": request.POST.get("note", "") if errors else "",
        }
        return render(request, "crossings/cases.html#case_row", context)
    for error in errors:
        messages.error(request, error)
    if not errors:
        messages.success(request, _("The case is marked reviewed."))
    url = reverse("crossings:cases")
    if request.POST.get("reviewed") == "1":
        url += "?reviewed=1"
    return redirect(url)
