"""What the background jobs build (`jobs.builder`): the monthly report, and large exports."""

from datetime import date

from django.utils.translation import gettext as _

from bmis.stats import aggregate, exports, figures, jobs
from bmis.stats.month import month_figures
from bmis.stats.queries import Filters
from bmis.stats.report import monthly_pdf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@jobs.builder("monthly")
def monthly(job, progress) -> tuple[bytes, str, str]:
    """The monthly statistical report of `job.params["month"]` (YYYY-MM), as a PDF."""
    progress(0.02, _("Counting the latest crossings"))
    aggregate.refresh()
    month = date.fromisoformat(job.params["month"] + "-01")
    post = job.params.get("post") or None
    found = month_figures(month, post=post, progress=progress)
    progress(0.75, _("Laying out the pages"))
    body = monthly_pdf(found, lang=job.language)
    scope = post.lower() if post else "haiti"
    return (
        body,
        f"monthly-report-{job.params['month']}-{scope}-{job.language}.pdf",
        "application/pdf",
    )


@jobs.builder("export")
def export(job, progress) -> tuple[bytes, str, str]:
    """A dashboard's table (or every table) as CSV or Excel, for filters too wide to export
    within a request."""
    params = job.params
    filters = Filters(
        start=date.fromisoformat(params["start"]), end=date.fromisoformat(params["end"]),
        **{name: tuple(values) for name, values in params["chosen"].items()},
    )  # fmt: skip
    names = params["tables"]
    tables = []
    for number, name in enumerate(names):
        progress(0.05 + 0.8 * number / len(names), name)
        if name.startswith("by_") and name[3:] in ("day", "week", "month", "year"):
            tables.append(figures.series_table(filters, name[3:]))
        else:
            tables.append(figures.breakdown_table(filters, name[3:]))
    progress(0.9, _("Writing the file"))
    if params["format"] == "csv":
        return exports.as_csv(tables[0]), exports.filename(tables[0], "csv"), "text/csv"
    title = params.get("title", "")
    body = exports.as_xlsx(tables, title=title, note=params.get("note", ""))
    name = tables[0] if len(tables) == 1 else "statistics"
    return body, exports.filename(name, "xlsx"), XLSX
