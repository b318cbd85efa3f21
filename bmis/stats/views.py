"""The dashboard of migration statistics, and its tables as CSV or Excel files.

Analysts and administrators see the whole country; a post chief sees their post only. The
figures are read from the cubes (`queries`), which are brought up to date first, a bounded
amount of work a request (`CATCH_UP` transactions): the rest, if any, is said on the page.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bmis.accounts.access import role_required
from bmis.accounts.roles import STATS_VIEWERS
from bmis.core import audit
from bmis.core.htmx import wants_fragment
from bmis.crossings.models import Person
from bmis.posts.models import Post
from bmis.stats import aggregate, charts, exports, figures, jobs, queries
from bmis.stats.forms import FilterForm, ReportForm
from bmis.stats.models import Job

NOW_SECONDS = 60
CATCH_UP = 4  # transactions of `aggregate.CHANGES` changes a request may count before it shows
TOP = 15  # values a breakdown's chart shows
SERIES_BARS = 62  # periods up to which the series is drawn as bars, as lines beyond
KEPT = ("start", "end", "grain", "post", "post_kind", "direction", "decision", "nationality", "sex",
        "age", "purpose", "mode", "carrier", "refusal", "overstay")  # fmt: skip


@role_required(STATS_VIEWERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The flows of the period: totals, a series, and every breakdown, each row a filter."""
    aggregate.refresh(rounds=CATCH_UP)
    form = FilterForm(request.GET, user=request.user)
    context = {"form": form, "waiting": aggregate.waiting()}
    template = "stats/dashboard.html"
    if wants_fragment(request):
        template += "#figures"
    if not form.is_valid():
        return render(request, template, context)
    filters, grain = form.filters(), form.chosen_grain()
    wanted = request.GET.get("export")
    if wanted:
        return _export(request, filters, grain, wanted, request.GET.get("table", ""))
    totals = queries.totals(filters)
    before = queries.totals(filters.year_before())
    series = figures.series_table(filters, grain)
    sections = []
    for by in _breakdowns(request.user, filters):
        table = figures.breakdown_table(filters, by)
        sections.append({
            "by": by, "table": table,
            "rows": [{**row, "narrow": _narrowed(request, by, row["value"])} for row in table.rows],
            "chart": _ranked_chart(table, [_narrowed(request, by, r["value"]) for r in table.rows]),
            "csv": _query(request, export="csv", table=table.name),
            "xlsx": _query(request, export="xlsx", table=table.name),
        })  # fmt: skip
    hits = figures.hits_table(filters)
    context |= {
        "hits": hits,
        "hits_csv": _query(request, export="csv", table=hits.name),
        "filters": filters,
        "grain": grain,
        "chosen": _chosen(request, filters),
        "totals": totals,
        "before": before,
        "changes": {name: _change(totals[name], before[name]) for name in totals},
        "now": _now(filters),
        "series": series,
        "series_chart": _series_chart(series),
        "series_csv": _query(request, export="csv", table=series.name),
        "series_xlsx": _query(request, export="xlsx", table=series.name),
        "all_xlsx": _query(request, export="xlsx", table="all"),
        "sections": sections,
        "empty": totals["crossings"] == 0,
    }
    return render(request, template, context)


def _breakdowns(user, filters) -> list[str]:
    national = ["post", "post_kind"] if user.role not in ("post_chief",) else []
    return [*national, "nationality", "sex", "age", "purpose", "mode", "carrier", "decision",
            "refusal", "overstay"]  # fmt: skip


def _now(filters) -> dict:
    """Who is in the country today, and past their permitted stay (not figures of the period):
    for a post, those who entered there. Counted over every traveller, so kept a minute
    (`NOW_SECONDS`): they change by a few a minute, and the count takes longer as the records
    grow."""
    key = f"stats-now:{timezone.localdate()}:{','.join(sorted(filters.post))}"
    return cache.get_or_set(key, lambda: _count_now(filters), NOW_SECONDS)


def _count_now(filters) -> dict:
    people = Person.objects.present()
    overstaying = Person.objects.overstaying(timezone.localdate())
    if filters.post:
        posts = Post.objects.filter(code__in=filters.post)
        people, overstaying = (
            people.filter(entry_post__in=posts),
            overstaying.filter(entry_post__in=posts),
        )
    return {"present": people.count(), "overstaying": overstaying.count()}


def _change(now: int, before: int) -> float | None:
    """The change from the same period a year before, in %; None where there was nothing."""
    return None if not before else round(100 * (now - before) / abs(before), 1)


def _query(request: HttpRequest, **values) -> str:
    """Return the query string of the page with `values` changed (None removes one)."""
    params = [(k, v) for k, v in request.GET.items() if k in KEPT and k not in values and v]
    params += [(k, v) for k, v in values.items() if v is not None]
    return "?" + urlencode(params)


def _narrowed(request: HttpRequest, by: str, value: str) -> str:
    return _query(request, **{by: value or "-"})


def _chosen(request: HttpRequest, filters) -> list[dict]:
    """The filters in force, each with its label and the link that removes it."""
    chosen = []
    for by, values in filters.chosen().items():
        if by == "post" and request.user.role == "post_chief":
            continue
        names = figures.labels(by)
        for value in values:
            chosen.append({
                "heading": figures.HEADINGS.get(by, by),
                "label": figures.label(names, value),
                "remove": _query(request, **{by: None}),
            })  # fmt: skip
    return chosen


def _series_chart(table) -> str:
    labels = [row["label"] for row in table.rows]
    series = {pgettext("border crossings", "Entries"): [r["entries"] for r in table.rows],
              pgettext("border crossings", "Exits"): [r["exits"] for r in table.rows]}  # fmt: skip
    draw = charts.bars if len(labels) <= SERIES_BARS else charts.lines
    return charts.svg(draw(labels, series, title=table.title), title=table.title)


def _ranked_chart(table, links: list[str]) -> str:
    """The first `TOP` rows of a breakdown as bars, each bar's row a filter as its table's."""
    rows = table.rows[:TOP]
    drawing = charts.horizontal_bars(
        [row["label"] for row in rows],
        [row["crossings"] for row in rows],
        title=table.title,
        links=links[:TOP],
    )
    return charts.svg(drawing, title=table.title)


def _export(request, filters, grain, kind: str, name: str) -> HttpResponse:
    """The table `name` (or all of them, in Excel) as a file; audited: figures leave the
    system."""
    builders = {f"by_{grain}": lambda: figures.series_table(filters, grain)}
    for by in _breakdowns(request.user, filters):
        builders[f"by_{by}"] = lambda by=by: figures.breakdown_table(filters, by)
    builders["hits_by_list"] = lambda: figures.hits_table(filters)
    wanted = builders if name == "all" else [name] if name in builders else []
    chosen = [builders[table]() for table in wanted]
    if not chosen or kind not in ("csv", "xlsx") or (kind == "csv" and len(chosen) > 1):
        raise Http404(_("There is no such table to export."))
    title = _("Crossings from %(start)s to %(end)s") % {
        "start": filters.start.isoformat(), "end": filters.end.isoformat()
    }  # fmt: skip
    if sum(len(table.rows) for table in chosen) > settings.BMIS_STATS_EXPORT_ROWS:
        with transaction.atomic():  # too large for a request: built in the background
            job = jobs.start(kind="export", user=request.user, params={
                "start": filters.start.isoformat(), "end": filters.end.isoformat(),
                "chosen": {by: list(values) for by, values in filters.chosen().items()},
                "tables": [table.name for table in chosen], "format": kind,
                "title": title, "note": _method_note(filters),
            })  # fmt: skip
        return redirect("stats:job", pk=job.pk)
    if kind == "csv":
        body, content_type = exports.as_csv(chosen[0]), "text/csv; charset=utf-8"
    else:
        body = exports.as_xlsx(chosen, title=title, note=_method_note(filters))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with transaction.atomic():
        audit.record(
            actor=request.user, action="stats.export", request=request,
            details={"table": name, "format": kind, "filters": _described(filters)},
        )  # fmt: skip
    response = HttpResponse(body, content_type=content_type)
    file = exports.filename(chosen[0] if len(chosen) == 1 else "statistics", kind)
    response["Content-Disposition"] = f'attachment; filename="{file}"'
    return response


def _described(filters) -> dict:
    return {"start": filters.start.isoformat(), "end": filters.end.isoformat(),
            **{by: list(values) for by, values in filters.chosen().items()}}  # fmt: skip


def _method_note(filters) -> str:
    return _(
        "Crossings recorded at the border posts and synchronised to headquarters, counted "
        "once each: a correction replaces the crossing it corrects, a withdrawn crossing does "
        "not count. Days in Haiti's time; age at the date of crossing. Figures of a recent "
        "period may still grow as posts that were offline send their records. Extracted on "
        "%(day)s."
    ) % {"day": timezone.localdate().isoformat()}


@role_required(STATS_VIEWERS)
def reports(request: HttpRequest) -> HttpResponse:
    """Ask for the monthly statistical report: it is built in the background (`jobs`)."""
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        params = {"month": form.cleaned_data["month"], "post": form.post_code()}
        with transaction.atomic(), _language(form.cleaned_data["language"]):
            job = jobs.start(kind="monthly", user=request.user, params=params)
        return redirect("stats:job", pk=job.pk)
    return render(request, "stats/reports.html", {"form": form})


def _language(code: str):
    from django.utils import translation

    return translation.override(code)


@role_required(STATS_VIEWERS)
def job(request: HttpRequest, pk) -> HttpResponse:
    """How far a file being built has got; polled by the page until it is ready."""
    found = get_object_or_404(Job.objects.defer("body"), pk=pk, user=request.user)
    context = {"job": found, "state": jobs.state_of(found),
               "file_url": reverse("stats:job_file", args=[found.pk])}  # fmt: skip
    template = "stats/job.html"
    if wants_fragment(request):
        template += "#progress"
    return render(request, template, context)


@role_required(STATS_VIEWERS)
def job_file(request: HttpRequest, pk) -> HttpResponse:
    """The file a finished job built, for the user who asked for it; audited."""
    found = get_object_or_404(Job, pk=pk, user=request.user, state=Job.State.DONE)
    with transaction.atomic():
        audit.record(
            actor=request.user, action="stats.download", request=request,
            details={"kind": found.kind, "file": found.filename, **found.params},
        )  # fmt: skip
    response = HttpResponse(bytes(found.body), content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response
