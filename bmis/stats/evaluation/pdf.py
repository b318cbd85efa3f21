"""The evaluation report as an A4 PDF (reportlab's platypus), with the monthly report's look."""

import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.platypus import Paragraph, Spacer

from bmis.stats.evaluation.indicators import Evaluation
from bmis.stats.evaluation.present import Shown, shown
from bmis.stats.report.layout import document, numbered_canvas, pdf_table, pdf_text, styles
from bmis.stats.tables import Column, Table

PER_TABLE = 5  # figures per post table: wider indicators are split, the post repeated


def title() -> str:
    return _("Evaluation of the border system")


def scope_text(evaluation: Evaluation) -> str:
    """Return the report's period and scope as a sentence."""
    values = {
        "start": formats.date_format(evaluation.start, "DATE_FORMAT"),
        "end": formats.date_format(evaluation.end, "DATE_FORMAT"),
    }
    if evaluation.post is None:
        return _("From %(start)s to %(end)s · the whole country") % values
    return _("From %(start)s to %(end)s · post %(post)s") % {
        **values,
        "post": str(evaluation.post),
    }


def evaluation_pdf(evaluation: Evaluation) -> bytes:
    """Return the evaluation as PDF bytes, written in the active language."""
    style = styles()
    buffer = io.BytesIO()
    pages = document(buffer, f"{title()} - {scope_text(evaluation)}")
    generated = formats.date_format(timezone.localtime(evaluation.generated_at), "DATETIME_FORMAT")
    story = [
        Paragraph(pdf_text(title()), style["title"]),
        Paragraph(pdf_text(scope_text(evaluation)), style["subtitle"]),
        Paragraph(
            pdf_text(
                _("Generated on %(date)s from the records held by node %(node)s.")
                % {"date": generated, "node": evaluation.node}
            ),
            style["small"],
        ),
        Spacer(1, 8),
    ]
    for indicator in evaluation.indicators:
        story += _section(shown(indicator), style)
    footer = f"OpenBMIS · {title()} · {evaluation.start.isoformat()} / {evaluation.end.isoformat()}"
    pages.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


def _section(item: Shown, style) -> list:
    indicator = item.indicator
    flowables = [
        Paragraph(pdf_text(indicator.label), style["heading"]),
        Paragraph(pdf_text(indicator.definition), style["small"]),
        Spacer(1, 4),
    ]
    if indicator.missing:
        return [*flowables, Paragraph(pdf_text(indicator.missing), style["body"])]
    summary = Table(
        indicator.key,
        indicator.label,
        [Column("label", _("Measure")), Column("value", _("Value"), numeric=True)],
        [{"label": label, "value": text} for label, text in item.summary],
    )
    flowables.append(pdf_table(summary, style))
    for first in range(0, len(item.headings), PER_TABLE) if item.rows else ():
        headings = item.headings[first : first + PER_TABLE]
        columns = [Column("post", _("Post"))]
        columns += [Column(f"m{n}", label, numeric=True) for n, label in enumerate(headings)]
        rows = [
            {"post": code, **{f"m{n}": text for n, text in enumerate(texts[first:][:PER_TABLE])}}
            for code, _name, texts in item.rows
        ]
        flowables += [Spacer(1, 6), pdf_table(Table(indicator.key, "", columns, rows), style)]
    return flowables
