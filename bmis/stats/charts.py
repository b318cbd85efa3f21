"""Draw the statistics' charts once, with reportlab.graphics, for the web (SVG) and the PDF.

A chart is a reportlab `Drawing`: `svg` turns it into inline markup for a template, and the monthly
report places the same drawing in its PDF. Nothing is fetched: fonts are reportlab's bundled
Bitstream Vera (which has the accents of French, Creole and Spanish), and the SVG names them
with fallbacks the browser already has.

Colours are the Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2008), kept to the
colours that reach 3:1 against white, the contrast WCAG 2.1 §1.4.11 asks of graphics; text is
near-black.
"""

import hashlib
import math
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

import reportlab
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib.colors import Color, HexColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000"]
"""Okabe-Ito blue, vermillion, bluish green, reddish purple and black: 3.06:1 to 21:1 on white."""
TEXT = HexColor("#222222")
AXIS = HexColor("#555555")
GRID = HexColor("#DDDDDD")

FONT, BOLD = "Vera", "VeraBd"
FONT_FILES = {
    "Vera": "Vera.ttf",
    "VeraBd": "VeraBd.ttf",
    "VeraIt": "VeraIt.ttf",
    "VeraBI": "VeraBI.ttf",
}
SVG_FONTS = "Vera, 'DejaVu Sans', Verdana, sans-serif"  # DejaVu is Vera's heir; Verdana its twin
LABEL_SIZE, TITLE_SIZE = 8, 11
ELLIPSIS = "…"
CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # XML 1.0 cannot hold them; a label never needs them


def register_fonts() -> None:
    """Register reportlab's bundled Vera fonts once, so that PDF and charts can use them."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, file in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic="VeraIt", boldItalic="VeraBI"
    )


def bars(
    labels: Sequence[str],
    series: dict[str, list[int]],
    *,
    title: str,
    width: int = 640,
    height: int = 240,
    stacked: bool = False,
) -> Drawing:
    """Return a vertical bar chart of one or more series over `labels`, grouped or stacked."""
    labels, data = _checked(labels, series)
    drawing, top = _frame(width, height, title, list(series) if len(series) > 1 else [])
    if not labels:
        return _no_data(drawing, top)
    chart = VerticalBarChart()
    _place(chart, width, top, labels)
    chart.data = data
    chart.categoryAxis.style = "stacked" if stacked else "parallel"
    chart.bars.strokeColor = None
    for index in range(len(data)):
        chart.bars[index].fillColor = HexColor(PALETTE[index % len(PALETTE)])
    totals = [sum(column) for column in zip(*data, strict=True)] if stacked else _flat(data)
    _scale(chart.valueAxis, totals)
    drawing.add(chart)
    return drawing


def lines(
    labels: Sequence[str],
    series: dict[str, list[int]],
    *,
    title: str,
    width: int = 640,
    height: int = 240,
) -> Drawing:
    """Return a line chart of one or more series over `labels` (days, months)."""
    labels, data = _checked(labels, series)
    drawing, top = _frame(width, height, title, list(series) if len(series) > 1 else [])
    if not labels:
        return _no_data(drawing, top)
    chart = HorizontalLineChart()
    _place(chart, width, top, labels)
    chart.data = data
    chart.joinedLines = 1
    for index in range(len(data)):
        chart.lines[index].strokeColor = HexColor(PALETTE[index % len(PALETTE)])
        chart.lines[index].strokeWidth = 1.5 if len(labels) > 62 else 2
        if len(labels) <= 62:  # a marker per point while there is room for one
            marker = makeMarker("FilledCircle", size=3)
            marker.fillColor = marker.strokeColor = HexColor(PALETTE[index % len(PALETTE)])
            chart.lines[index].symbol = marker
    _scale(chart.valueAxis, _flat(data))
    drawing.add(chart)
    return drawing


def horizontal_bars(
    labels: Sequence[str],
    values: Sequence[int | None],
    *,
    title: str,
    width: int = 640,
    height: int | None = None,
    links: Sequence[str] | None = None,
) -> Drawing:
    """Return a ranked bar chart, first label at the top; its height grows with the labels.

    A value of None (a withheld count) is left out rather than drawn as a zero. With `links`
    (one a label), a click on a bar's row follows its link (`svg` makes them page links).
    """
    if len(labels) != len(values) or (links is not None and len(links) != len(labels)):
        raise ValueError("horizontal_bars needs one value (and one link) per label")
    targets = dict(zip(labels, links, strict=True)) if links is not None else {}
    pairs = [
        (str(label), value)
        for label, value in zip(labels, values, strict=True)
        if value is not None
    ]
    rows = max(len(pairs), 1)
    height = height or 46 + 16 * rows
    drawing, top = _frame(width, height, title, [])
    if not pairs:
        return _no_data(drawing, top)
    label_width = min(
        width * 0.38, max(stringWidth(label, FONT, LABEL_SIZE) for label, _v in pairs) + 8
    )
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width + 4, 22
    chart.width, chart.height = width - chart.x - 56, top - chart.y - 4
    names = [_truncate(label, label_width - 8) for label, _v in reversed(pairs)]
    chart.categoryAxis.categoryNames = names
    chart.data = [[value for _label, value in reversed(pairs)]]
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = HexColor(PALETTE[0])
    chart.barLabelFormat = _number
    chart.barLabels.fontName, chart.barLabels.fontSize = FONT, LABEL_SIZE
    chart.barLabels.fillColor, chart.barLabels.boxAnchor, chart.barLabels.dx = TEXT, "w", 3
    _axes_style(chart)
    chart.categoryAxis.labels.boxAnchor, chart.categoryAxis.labels.dx = "e", -4
    _scale(chart.valueAxis, [value for _label, value in pairs])
    drawing.add(chart)
    step = chart.height / len(pairs)
    for row, (label, _value) in enumerate(reversed(pairs)):  # the bottom row first
        if targets.get(label):
            drawing.add(Rect(0, chart.y + row * step, width, step, strokeColor=None,
                             fillColor=Color(1, 1, 1, alpha=0), hrefURL=targets[label],
                             hrefTitle=label))  # fmt: skip
    return drawing


def svg(drawing: Drawing, *, title: str, description: str = "") -> str:
    """Return the drawing as inline SVG markup for a template, named for assistive technology.

    No XML declaration, no doctype and no namespace URI: the markup goes inside an HTML page, which
    needs none of them. Its root has ``role="img"``, a ``<title>`` and a ``<desc>``, and a viewBox
    without width or height, so it takes the width its CSS gives it. Styles become presentation
    attributes (a strict Content-Security-Policy blocks ``style`` attributes), and ids get a prefix
    of their own, so that two charts on one page do not share a clip path.
    """
    markup = renderSVG.drawToString(drawing)
    prefix = "chart-" + hashlib.sha256((markup + str(title)).encode()).hexdigest()[:10]
    root = ET.fromstring(markup.encode("utf-8"))  # noqa: S314 (reportlab wrote it, from our drawing)
    for element in list(root):
        if _local(element.tag) in {"title", "desc"}:
            root.remove(element)
    for element in root.iter():
        element.tag = _local(element.tag)
        link = element.attrib.get(XLINK + "href") if element.tag == "a" else None
        _unstyle(element, prefix)
        if link:  # a bar's row: the same link as its table's row, which is the one announced
            element.attrib.pop("target", None)
            element.attrib.update({"href": link, "hx-get": link, "hx-target": "#figures",
                                   "hx-swap": "outerHTML", "hx-push-url": "true",
                                   "tabindex": "-1", "aria-hidden": "true"})  # fmt: skip
    for name in ("width", "height", "version", "fill-rule"):
        root.attrib.pop(name, None)
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title")
    root.set("aria-describedby", f"{prefix}-desc")
    root.set("focusable", "false")
    title_element = ET.Element("title", id=f"{prefix}-title")
    title_element.text = str(title)
    desc_element = ET.Element("desc", id=f"{prefix}-desc")
    desc_element.text = str(description or title)
    root.insert(0, desc_element)
    root.insert(0, title_element)
    if root.find(".//a") is not None:
        # Links in an image are not announced (WCAG 4.1.2): a chart of links is for the eye and
        # the mouse; its table, with the same links, is what assistive technology reads.
        for name in ("role", "aria-labelledby", "aria-describedby"):
            root.attrib.pop(name)
        root.set("aria-hidden", "true")
    return ET.tostring(root, encoding="unicode")


XLINK = "{http://www.w3.org/1999/xlink}"


def _unstyle(element: ET.Element, prefix: str) -> None:
    """Turn `style` into presentation attributes and give ids and their references the prefix."""
    for name in list(element.attrib):
        if name.startswith("{"):  # namespaced (xlink) attributes: no SVG of ours needs them
            element.attrib.pop(name)
    style = element.attrib.pop("style", "")
    for declaration in style.split(";"):
        if ":" in declaration:
            name, value = (part.strip() for part in declaration.split(":", 1))
            if name == "font-family":
                weight = "bold" if value.endswith("Bd") or value.endswith("BI") else None
                value = SVG_FONTS
                if weight:
                    element.set("font-weight", weight)
            element.set(name, value)
    if "id" in element.attrib:
        element.set("id", f"{prefix}-{element.get('id')}")
    for name, value in element.attrib.items():
        if "url(#" in value:
            element.set(name, value.replace("url(#", f"url(#{prefix}-"))
    if element.get("transform") == "":
        element.attrib.pop("transform")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _checked(labels: Sequence[str], series: dict[str, list[int]]):
    """Return labels as strings and the series as lists of numbers (None counts as 0)."""
    labels = [str(label) for label in labels]
    data = []
    for name, values in series.items():
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
        data.append([value or 0 for value in values])
    if not data:
        return [], []
    return labels, data


def _flat(data: list[list[int]]) -> list[int]:
    return [value for values in data for value in values]


def _frame(width: float, height: float, title: str, legend: list[str]) -> tuple[Drawing, float]:
    """Return a drawing with its title and legend, and the height left for the plot."""
    register_fonts()
    drawing = Drawing(width, height)
    top = height - 4
    if str(title):  # a page that heads the chart itself passes an empty title
        shown = _truncate(str(title), width - 8, BOLD, TITLE_SIZE)
        drawing.add(
            String(4, height - 14, shown, fontName=BOLD, fontSize=TITLE_SIZE, fillColor=TEXT)
        )
        top = height - 24
    if legend:
        x = 4.0
        for index, name in enumerate(legend):
            name = _truncate(str(name), 160)
            colour = HexColor(PALETTE[index % len(PALETTE)])
            drawing.add(Rect(x, top - 9, 9, 9, fillColor=colour, strokeColor=None))
            drawing.add(
                String(x + 13, top - 8, name, fontName=FONT, fontSize=LABEL_SIZE, fillColor=TEXT)
            )
            x += 13 + stringWidth(name, FONT, LABEL_SIZE) + 16
        top -= 16
    return drawing, top


def _no_data(drawing: Drawing, top: float) -> Drawing:
    """Draw the empty plot area with a short "No data" in its middle."""
    width = drawing.width
    drawing.add(Rect(4, 4, width - 8, max(top - 8, 10), fillColor=None, strokeColor=GRID))
    drawing.add(
        String(
            width / 2,
            max(top / 2, 8),
            _("No data"),
            fontName=FONT,
            fontSize=10,
            fillColor=AXIS,
            textAnchor="middle",
        )
    )
    return drawing


def _place(chart, width: float, top: float, labels: list[str]) -> None:
    """Size the plot of a vertical chart and thin its category labels so they do not overlap."""
    chart.x, chart.y = 48, 24
    chart.width, chart.height = width - chart.x - 12, max(top - chart.y - 6, 20)
    slot = chart.width / len(labels)
    widest = min(max(stringWidth(label, FONT, LABEL_SIZE) for label in labels), 90)
    step = max(1, math.ceil((widest + 6) / slot))
    chart.categoryAxis.categoryNames = [
        _truncate(label, max(slot * step - 6, 12)) if index % step == 0 else ""
        for index, label in enumerate(labels)
    ]
    _axes_style(chart)


def _axes_style(chart) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.strokeColor = AXIS
        axis.labels.fontName, axis.labels.fontSize, axis.labels.fillColor = FONT, LABEL_SIZE, TEXT
    chart.categoryAxis.visibleTicks = 0
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.labelTextFormat = _number


def _scale(axis, values: list[int]) -> None:
    """Set a value axis from 0 (or below, for negatives) in whole steps of 1, 2 or 5 x 10^n."""
    high, low = max([*values, 0]), min([*values, 0])
    step = _nice_step(max(high - low, 1) / 5)
    axis.valueMin = step * math.floor(low / step)
    axis.valueMax = step * max(math.ceil(high / step), 1)
    axis.valueStep = step


def _nice_step(raw: float) -> int:
    magnitude = 10 ** max(math.floor(math.log10(raw)), 0)
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return int(factor * magnitude)
    return int(10 * magnitude)


def _number(value) -> str:
    """Format an axis or bar value for the active language, grouped by thousands."""
    return number_format(round(value), force_grouping=True)


def _truncate(text: str, room: float, font: str = FONT, size: float = LABEL_SIZE) -> str:
    """Return `text` cut with an ellipsis so that it fits `room` points."""
    text = CONTROL.sub(" ", text)
    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + ELLIPSIS, font, size) > room:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS
