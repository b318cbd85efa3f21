"""The counter (primary inspection) and the secondary-inspection queue.

The counter is one page: the shift's header, the scan box, and the work area that each step
replaces (htmx) or re-renders (a plain POST): the inspection of the document read, with the
decision form, then the confirmation of what was recorded and the scan box again.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from uuid6 import uuid7

from bmis.accounts.access import check_post, role_required
from bmis.accounts.roles import INSPECTION_SUPERVISORS, POST_ROLES
from bmis.core.forms import add_service_errors
from bmis.core.htmx import redirect_to, wants_fragment
from bmis.crossings import checks, services
from bmis.crossings.forms.counter import (
    DecisionForm,
    HitReviewForm,
    ManualDocumentForm,
    ReferralForm,
    ScanForm,
    ShiftOpenForm,
    initial_details,
)
from bmis.crossings.inspection import inspect
from bmis.crossings.models import Crossing, Decision, Person, Shift
from bmis.crossings.reading import (
    Reading,
    Unreadable,
    from_manual,
    from_mrz,
    problem_message,
)
from bmis.reference.models import Country

DETAILS = ("mode", "carrier", "flight", "vehicle", "place_country", "place", "purpose", "residence")
EXTRA_ENTRY = ("intended_stay_days", "address")
# Where a problem of a document typed by hand belongs in the manual form.
MANUAL_FIELDS = {"document_number": "number", "kind": "kind"}


def _open_shift(user) -> Shift | None:
    return Shift.objects.open().filter(officer=user).select_related("counter", "post").first()


def _tally(shift: Shift) -> dict[str, int]:
    rows = Crossing.objects.filter(shift=shift).values("decision").annotate(n=Count("id"))
    return {row["decision"]: row["n"] for row in rows}


def _render(request, shift: Shift, **context) -> HttpResponse:
    """Render the counter page, or only its work area for htmx."""
    context.setdefault("scan_form", ScanForm())
    context.setdefault("manual_form", ManualDocumentForm(prefix="doc"))
    context.update(
        shift=shift,
        tally=_tally(shift),
        is_supervisor=request.user.role in INSPECTION_SUPERVISORS,
        awaiting=Crossing.objects.awaiting_secondary().filter(post=shift.post).count(),
    )
    template = "crossings/counter.html"
    if wants_fragment(request):
        template += "#work"
    else:
        context["countries"] = Country.objects.filter(is_active=True).order_by("code")
    return render(request, template, context)


@role_required(POST_ROLES)
def counter(request: HttpRequest) -> HttpResponse:
    """Show the counter: the shift's scan box, or the form that opens a shift."""
    shift = _open_shift(request.user)
    if shift is None:
        form = ShiftOpenForm(post=request.user.post)
        return render(request, "crossings/shift_open.html", {"form": form})
    last = None
    if last_id := request.GET.get("recorded"):
        try:
            last = Crossing.objects.select_related("person").get(pk=last_id, shift=shift)
        except (Crossing.DoesNotExist, ValidationError):
            last = None
    return _render(request, shift, recorded=last)


@role_required(POST_ROLES)
@require_POST
def shift_open(request: HttpRequest) -> HttpResponse:
    """Open (or switch) the officer's shift at a counter of their post."""
    form = ShiftOpenForm(request.POST, post=request.user.post)
    if form.is_valid():
        try:
            services.shift_open(
                officer=request.user,
                counter=form.cleaned_data["counter"],
                direction=form.cleaned_data["direction"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("crossings:counter")
    return render(request, "crossings/shift_open.html", {"form": form}, status=400)


@role_required(POST_ROLES)
@require_POST
def shift_close(request: HttpRequest) -> HttpResponse:
    """Close the officer's shift."""
    shift = _open_shift(request.user)
    if shift is not None:
        services.shift_close(officer=request.user, shift=shift, request=request)
        messages.success(
            request, _("Your shift at counter %(code)s is closed.") % {"code": shift.counter.code}
        )
    return redirect_to(request, reverse("crossings:counter"))


def _read(data) -> tuple[Reading | None, dict]:
    """Read the document in `data`, its MRZ or the fields typed by hand; return it and its forms."""
    reading, scan_form, manual_form = _read_forms(data)
    context = {"scan_form": scan_form, "manual_form": manual_form}
    return reading, context | {"manual": data.get("source") == "manual"}


def _read_forms(data) -> tuple[Reading | None, ScanForm, ManualDocumentForm]:
    today = timezone.localdate()
    scan_form = ScanForm(data if data.get("source") != "manual" else None)
    manual_form = ManualDocumentForm(data if data.get("source") == "manual" else None, prefix="doc")
    if data.get("source") == "manual":
        if not manual_form.is_valid():
            return None, scan_form, manual_form
        reading = from_manual(manual_form.cleaned_data, today=today)
        for code, field in reading.problems:
            name = MANUAL_FIELDS.get(field, field)
            name = name if name in manual_form.fields else None
            manual_form.add_error(name, problem_message(code, field))
        return (None if reading.problems else reading), scan_form, manual_form
    if not scan_form.is_valid():
        return None, scan_form, manual_form
    text = scan_form.cleaned_data["mrz"]
    if not text.strip():
        scan_form.add_error("mrz", _("Scan the document, or type its machine readable zone."))
        return None, scan_form, manual_form
    try:
        return from_mrz(text, today=today), scan_form, manual_form
    except Unreadable as exc:
        scan_form.add_error("mrz", exc.message)
        return None, scan_form, manual_form


def _inspection_context(request, shift, reading, data=None, link_person=None) -> dict:
    inspection = inspect(
        reading,
        direction=shift.direction,
        today=timezone.localdate(),
        residence=(data or {}).get("residence", ""),
        person=link_person,
    )
    if data is None:
        # A UUIDv7 holds when it was made: the form's showing, right after the document was
        # read. The record's creation less that is the transaction's time (stats.evaluation).
        initial = {"submission": uuid7(), **initial_details(shift, inspection)}
        form = DecisionForm(initial=initial, shift=shift, inspection=inspection)
    else:
        form = DecisionForm(data, shift=shift, inspection=inspection)
        form.is_valid()
    names = [*DETAILS, *(EXTRA_ENTRY if shift.direction == "entry" else ())]
    return {
        "inspection": inspection,
        "reading": reading,
        "decision_form": form,
        "detail_fields": [form[name] for name in names],
        "focus": _focus(form, inspection, request.user.role in INSPECTION_SUPERVISORS),
    }


def _error_focus(form: DecisionForm) -> str:
    name = next(iter(form.errors))
    return {"decision": "referred", "__all__": "admitted", "submission": "admitted"}.get(name, name)


def _focus(form: DecisionForm, inspection, supervisor: bool) -> str:
    """Return where the officer's cursor goes: the one thing to do before admitting, or Admit."""
    if form.is_bound and form.errors:
        return _error_focus(form)
    if inspection.candidates:
        return "link_person"
    if inspection.minor and not form.initial.get("accompanied_by"):
        return "accompanied_by"
    if inspection.blocking:
        return "override" if supervisor else "referred"
    needs_purpose = inspection.direction == "entry" and inspection.reading.nationality != "HTI"
    if needs_purpose and not form.initial.get("purpose"):
        return "purpose"
    return "admitted"


@role_required(POST_ROLES)
@require_POST
def scan(request: HttpRequest) -> HttpResponse:
    """Read a document and show its checks, the traveller's history and the decision form."""
    shift = _open_shift(request.user)
    if shift is None:
        return _no_shift(request)
    reading, context = _read(request.POST)
    if reading is not None:
        context |= _inspection_context(request, shift, reading)
    return _render(request, shift, **context)


def _no_shift(request):
    messages.error(request, _("Your shift is closed: open a counter first."))
    return redirect_to(request, reverse("crossings:counter"))


def _details(data: dict) -> services.Details:
    return services.Details(
        **{
            name: data.get(name)
            if name in ("purpose", "intended_stay_days")
            else data.get(name) or ""
            for name in services.DETAIL_FIELDS
        }
    )


@role_required(POST_ROLES)
@require_POST
def record(request: HttpRequest) -> HttpResponse:
    """Record the officer's decision on the traveller whose document was read."""
    shift = _open_shift(request.user)
    if shift is None:
        return _no_shift(request)
    reading, context = _read(request.POST)
    if reading is None:
        return _render(request, shift, **context)
    link_id = request.POST.get("link_person") or ""
    link_person = None
    if link_id:
        try:
            link_person = Person.objects.filter(pk=link_id).first()
        except ValidationError:
            link_person = None
    context |= _inspection_context(request, shift, reading, request.POST, link_person)
    form = context["decision_form"]
    if form.is_valid():
        data = form.cleaned_data
        try:
            photo = services.decode_photo(data["photo"])
            crossing = services.crossing_record(
                officer=request.user,
                shift=shift,
                submission=data["submission"],
                reading=reading,
                details=_details(data),
                decision=data["decision"] or Decision.ADMITTED,
                link_person=link_person,
                refusal_reason=data["refusal_reason"],
                note=data["note"],
                override=data["override"],
                accompanied_by=data["accompanied_by"],
                photo=photo,
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            context["focus"] = _error_focus(form)
        else:
            if not wants_fragment(request):
                url = reverse("crossings:counter") + f"?recorded={crossing.pk}"
                return redirect(url)
            return _render(request, shift, recorded=crossing)
    return _render(request, shift, **context)


# --- Secondary inspection ----------------------------------------------------------------------


@role_required(INSPECTION_SUPERVISORS)
def secondary(request: HttpRequest) -> HttpResponse:
    """List the post's referrals to secondary inspection waiting for a decision, oldest first."""
    referrals = (
        Crossing.objects.awaiting_secondary()
        .filter(post_id=request.user.post_id)
        .select_related("person", "document", "officer", "counter")
        .order_by("at")
    )
    return render(request, "crossings/secondary.html", {"referrals": referrals})


@role_required(INSPECTION_SUPERVISORS)
def referral(request: HttpRequest, pk) -> HttpResponse:
    """Show a referral with everything the counter saw, and complete it with a decision."""
    crossing = get_object_or_404(
        Crossing.objects.select_related("person", "document", "officer", "counter", "post"), pk=pk
    )
    check_post(request, crossing.post)
    if crossing.decision != Decision.REFERRED:
        return redirect("crossings:crossing_detail", pk=crossing.pk)
    completion = Crossing.objects.filter(resolves=crossing).first()
    form = ReferralForm(request.POST or None, initial={"submission": uuid.uuid4()})
    if request.method == "POST" and completion is None and form.is_valid():
        try:
            completion = services.referral_complete(
                actor=request.user,
                referral=crossing,
                submission=form.cleaned_data["submission"],
                decision=form.cleaned_data["decision"],
                refusal_reason=form.cleaned_data["refusal_reason"],
                note=form.cleaned_data["note"],
                override=form.cleaned_data["override"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The referral of %(name)s is completed: %(decision)s.")
                % {"name": crossing.person, "decision": completion.get_decision_display()},
            )
            return redirect("crossings:secondary")
    return _referral_page(request, crossing, completion, form)


def _referral_page(request, crossing, completion, form, review_form=None):
    from bmis.watchlist.models import HitReview

    history = (
        crossing.person.crossings.exclude(pk=crossing.pk)
        .select_related("post")
        .order_by("-at")[:10]
    )
    reviews = {
        str(review.entry_id): review
        for review in HitReview.objects.filter(crossing=crossing, withdrawn_at__isnull=True)
    }
    results = [dict(result) for result in crossing.checks if result.get("level") != "silent"]
    for result in results:
        entry = result.get("details", {}).get("entry")
        result["review"] = reviews.get(entry) if result.get("code") == "watchlist_hit" else None
    return render(
        request,
        "crossings/referral.html",
        {
            "crossing": crossing,
            "completion": completion,
            "form": form,
            "review_form": review_form or HitReviewForm(),
            "results": results,
            "history": history,
            "blocking": checks.still_blocking(crossing),
        },
    )


@role_required(INSPECTION_SUPERVISORS)
@require_POST
def hit_review(request: HttpRequest, pk) -> HttpResponse:
    """Resolve a hit of a referred traveller: a true match, or a false positive with a reason."""
    from bmis.watchlist.services import hit_review as review_hit

    crossing = get_object_or_404(Crossing, pk=pk)
    check_post(request, crossing.post)
    form = HitReviewForm(request.POST)
    if form.is_valid():
        try:
            review_hit(
                actor=request.user,
                crossing=crossing,
                entry_id=form.cleaned_data["entry"],
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The hit is resolved."))
            return redirect("crossings:referral", pk=crossing.pk)
    completion = Crossing.objects.filter(resolves=crossing).first()
    referral_form = ReferralForm(initial={"submission": uuid.uuid4()})
    response = _referral_page(request, crossing, completion, referral_form, review_form=form)
    response.status_code = 400
    return response
