"""The report's look: A4 page, styles in Vera, a numbered footer, and a `Table` as a PDF table."""

from datetime import date, datetime
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, TableStyle
from reportlab.platypus import Table as PdfTable

from bmis.stats.charts import BOLD, FONT, register_fonts
from bmis.stats.tables import SUPPRESSED_MARK, Table

PAGE = A4
MARGIN = 18 * mm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN
NOT_AVAILABLE = "—"
HEADER_FILL = colors.HexColor("#E8EEF4")
BAND_FILL = colors.HexColor("#F6F6F6")
RULE = colors.HexColor("#777777")
INK = colors.HexColor("#222222")


def document(buffer, title: str, lang: str | None = None) -> SimpleDocTemplate:
    """Return the A4 document every statistical PDF is laid out on, writing to `buffer`."""
    return SimpleDocTemplate(
        buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=title, author="OpenBMIS", creator="OpenBMIS", lang=lang,
    )  # fmt: skip


def styles() -> dict[str, ParagraphStyle]:
    """Return the paragraph styles of the report, in the bundled Vera fonts."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=INK)
    return {
        "title": ParagraphStyle(
            "title", body, fontName=BOLD, fontSize=18, leading=23, spaceAfter=6
        ),
        "subtitle": ParagraphStyle("subtitle", body, fontSize=13, leading=17, spaceAfter=4),
        "heading": ParagraphStyle(
            "heading",
            body,
            fontName=BOLD,
            fontSize=12.5,
            leading=16,
            spaceBefore=12,
            spaceAfter=6,
            keepWithNext=1,
        ),
        "body": body,
        "small": ParagraphStyle("small", body, fontSize=8, leading=10, textColor=RULE),
        "cell": ParagraphStyle("cell", body, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle("cell_bold", body, fontName=BOLD, fontSize=8.5, leading=10.5),
        "number": ParagraphStyle("number", body, fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
        "number_bold": ParagraphStyle(
            "number_bold", body, fontName=BOLD, fontSize=8.5, leading=10.5, alignment=TA_RIGHT
        ),
        "bullet": ParagraphStyle("bullet", body, leftIndent=12, bulletIndent=2, spaceAfter=3),
    }


def pdf_text(text) -> str:
    """Return `text` escaped for a Paragraph, with characters Vera lacks replaced by its own.

    Some locales group thousands with a narrow no-break space (U+202F), which Vera does not
    have: the plain no-break space looks the same in print.
    """
    return escape(str(text)).replace("\u202f", "\u00a0")


def number(value: int | float) -> str:
    """Format a figure for the active language, grouped by thousands."""
    return formats.number_format(value, force_grouping=True)


def cell_text(table: Table, value) -> str:
    """Return a table cell as shown text: a figure, a date, the mark of a withheld count."""
    if value is None:
        return SUPPRESSED_MARK(table.below) if table.suppressed else NOT_AVAILABLE
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value)
    return str(value)


def pdf_table(table: Table, style: dict[str, ParagraphStyle]) -> PdfTable:
    """Return `table` as a platypus table: header repeated on each page, totals row in bold."""
    numeric = [column.numeric for column in table.columns]
    rows = [*table.rows, table.total] if table.total is not None else list(table.rows)
    header = [
        Paragraph(pdf_text(column.label), style["number_bold" if column.numeric else "cell_bold"])
        for column in table.columns
    ]
    body = []
    for index, row in enumerate(rows):
        bold = table.total is not None and index == len(rows) - 1
        body.append(
            [
                Paragraph(
                    pdf_text(cell_text(table, row.get(column.key))),
                    style[("number" if column.numeric else "cell") + ("_bold" if bold else "")],
                )
                for column in table.columns
            ]
        )
    flowable = PdfTable([header, *body], colWidths=column_widths(numeric), repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    commands += [
        ("BACKGROUND", (0, line), (-1, line), BAND_FILL) for line in range(2, len(body) + 1, 2)
    ]
    if table.total is not None:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, RULE))
    flowable.setStyle(TableStyle(commands))
    return flowable


def column_widths(numeric: list[bool]) -> list[float]:
    """Share the frame: up to 80 points per figure, the rest to the text columns."""
    figures = sum(numeric)
    texts = len(numeric) - figures
    figure_width = min(80.0, FRAME_WIDTH * (0.7 if texts else 1.0) / max(figures, 1))
    text_width = (FRAME_WIDTH - figure_width * figures) / max(texts, 1)
    return [figure_width if is_numeric else text_width for is_numeric in numeric]


def numbered_canvas(footer: str) -> type[Canvas]:
    """Return a canvas class that writes `footer` and "Page N of M" at the foot of every page.

    The page count is only known at the end: the canvas keeps each page's state and draws the
    footers when the document is saved.
    """

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            count = len(self._pages)
            for number_, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._draw_footer(number_, count)
                super().showPage()
            super().save()

        def _draw_footer(self, page: int, pages: int) -> None:
            self.saveState()
            self.setFont(FONT, 7.5)
            self.setFillColor(RULE)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.4)
            self.line(MARGIN, MARGIN - 4 * mm, PAGE[0] - MARGIN, MARGIN - 4 * mm)
            baseline = MARGIN - 8 * mm
            self.drawString(MARGIN, baseline, footer.replace("\u202f", "\u00a0"))
            text = _("Page %(page)s of %(pages)s") % {"page": page, "pages": pages}
            self.drawRightString(PAGE[0] - MARGIN, baseline, text)
            self.restoreState()

    return NumberedCanvas
