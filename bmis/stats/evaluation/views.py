"""The evaluation report's page, and the same report as a PDF (audited: figures leave the
system).

Analysts and administrators evaluate the country or any post; a post chief, their own post.
"""

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bmis.accounts.access import role_required
from bmis.accounts.roles import STATS_VIEWERS
from bmis.core import audit
from bmis.stats.evaluation.forms import EvaluationForm
from bmis.stats.evaluation.indicators import evaluate
from bmis.stats.evaluation.pdf import evaluation_pdf, scope_text
from bmis.stats.evaluation.present import shown


@role_required(STATS_VIEWERS)
def evaluation(request: HttpRequest) -> HttpResponse:
    """Show the form, and for a period chosen the evaluation, as a page or a PDF."""
    asked = "start" in request.GET or "end" in request.GET
    form = EvaluationForm(request.GET if asked else None, user=request.user)
    context = {"form": form}
    if not asked or not form.is_valid():
        return render(request, "stats/evaluation.html", context)
    start, end, post_code = form.cleaned_data["start"], form.cleaned_data["end"], form.post_code()
    report = evaluate(start, end, post_code)
    if request.GET.get("format") == "pdf":
        body = evaluation_pdf(report)
        with transaction.atomic():
            audit.record(
                actor=request.user,
                action="stats.evaluation",
                request=request,
                details={
                    "format": "pdf",
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "post": post_code or "",
                },
            )
        response = HttpResponse(body, content_type="application/pdf")
        name = f"evaluation-{post_code or 'HT'}-{start.isoformat()}-{end.isoformat()}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    query = request.GET.copy()
    query["format"] = "pdf"
    if "post" not in form.fields:
        query.pop("post", None)
    context |= {
        "report": report,
        "scope": scope_text(report),
        "sections": [shown(indicator) for indicator in report.indicators],
        "pdf_query": query.urlencode(),
    }
    return render(request, "stats/evaluation.html", context)
