"""Charts drawn once for the web (inline SVG) and the PDF: `charts`."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
from django.utils.translation import gettext
from reportlab.graphics import renderPDF

from bmis.stats import charts

DAYS = [str(day) for day in range(1, 31)]


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter("text")]


def test_svg_is_inline_markup_named_for_screen_readers():
    drawing = charts.lines(DAYS, {"Entrées": list(range(30)), "Sorties": [5] * 30}, title="Jour")

    markup = charts.svg(drawing, title="Entrées et sorties", description="Par jour, novembre")

    assert not markup.startswith("<?xml") and "<!DOCTYPE" not in markup
    root = parse(markup)
    assert root.tag == "svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 640 240"
    assert root.get("width") is None and root.get("height") is None
    title = root.find("title")
    assert title.text == "Entrées et sorties"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.find("desc").text == "Par jour, novembre"
    assert root.get("aria-describedby") == root.find("desc").get("id")
    assert "Entrées" in texts(root) and "Sorties" in texts(root)  # the legend


def test_svg_refers_to_nothing_outside_itself():
    markup = charts.svg(charts.bars(DAYS, {"a": [1] * 30}, title="t"), title="t")

    assert "http" not in markup
    assert "href" not in markup
    assert "style=" not in markup  # presentation attributes: a strict CSP allows them
    root = parse(markup)
    for element in root.iter():
        for value in element.attrib.values():
            assert "url(" not in value or value.startswith("url(#")


def test_two_charts_on_a_page_do_not_share_ids():
    first = parse(charts.svg(charts.bars(["a"], {"s": [1]}, title="one"), title="one"))
    second = parse(charts.svg(charts.bars(["a"], {"s": [2]}, title="two"), title="two"))

    ids = [element.get("id") for root in (first, second) for element in root.iter()]
    ids = [value for value in ids if value]
    assert len(ids) == len(set(ids))
    clip = first.find(".//*[@clip-path]").get("clip-path")
    assert clip == f"url(#{first.find('clipPath').get('id')})"


@pytest.mark.parametrize(
    "drawing",
    [
        lambda: charts.bars([], {}, title="t"),
        lambda: charts.bars(DAYS, {}, title="t"),
        lambda: charts.lines([], {"entries": []}, title="t"),
        lambda: charts.horizontal_bars([], [], title="t"),
        lambda: charts.horizontal_bars(["Cuba"], [None], title="t"),
    ],
)
def test_empty_data_draws_an_empty_chart_that_says_so(drawing):
    with translation.override("en"):
        root = parse(charts.svg(drawing(), title="t"))

        assert gettext("No data") in texts(root)


def test_all_zero_and_single_point_series_draw():
    root = parse(charts.svg(charts.lines(["1"], {"a": [0]}, title="t"), title="t"))

    assert "1" in texts(root)
    assert "0" in texts(root)


def test_a_year_of_days_gets_thinned_labels():
    labels = [f"2025-{day:03d}" for day in range(1, 401)]

    root = parse(charts.svg(charts.bars(labels, {"a": list(range(400))}, title="t"), title="t"))

    shown = [text for text in texts(root) if text in labels]
    assert labels[0] in shown
    assert 5 <= len(shown) <= 20  # 640 points hold about a dozen 50-point labels
    assert len(root.findall(".//rect")) >= 400


def axis_top(drawing) -> int:
    shown = texts(parse(charts.svg(drawing, title="t")))
    return max(
        int(text.replace("\u00a0", "").replace(",", "")) for text in shown if text[0].isdigit()
    )


def test_stacked_bars_scale_to_the_sum():
    series = {"x": [600, 0], "y": [500, 1]}

    assert axis_top(charts.bars(["a", "b"], series, title="t", stacked=True)) >= 1100
    assert axis_top(charts.bars(["a", "b"], series, title="t")) < 1100


def test_long_labels_are_cut_with_an_ellipsis():
    name = "Royaume-Uni de Grande-Bretagne et d’Irlande du Nord, territoires d’outre-mer compris"

    drawing = charts.horizontal_bars([name, "Cuba"], [120, 40], title="Nationalités")

    shown = texts(parse(charts.svg(drawing, title="t")))
    assert name not in shown
    assert any(text.startswith("Royaume-Uni") and text.endswith("…") for text in shown)
    assert "Cuba" in shown


def test_horizontal_bars_grow_with_their_labels_and_rank_from_the_top():
    few = charts.horizontal_bars(["a", "b"], [2, 1], title="t")
    many = charts.horizontal_bars([f"n{i}" for i in range(20)], list(range(20, 0, -1)), title="t")

    assert many.height > few.height
    chart = next(item for item in many.contents if hasattr(item, "categoryAxis"))
    # reportlab puts the first category at the bottom: the chart lists them reversed.
    assert chart.categoryAxis.categoryNames[-1] == "n0"
    assert chart.data == [list(range(1, 21))]


def test_series_and_labels_must_agree():
    with pytest.raises(ValueError):
        charts.bars(["a", "b"], {"x": [1]}, title="t")
    with pytest.raises(ValueError):
        charts.horizontal_bars(["a"], [1, 2], title="t")


def test_the_same_drawing_goes_into_a_pdf():
    drawing = charts.bars(DAYS, {"Entrées": list(range(30))}, title="Entrées — novembre")

    assert renderPDF.drawToString(drawing).startswith(b"%PDF")


def contrast(hex_colour: str) -> float:
    """Return the WCAG 2.1 contrast ratio of a colour against white."""

    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    return 1.05 / (luminance + 0.05)


def test_the_palette_stands_out_on_white():
    assert all(contrast(colour) >= 3 for colour in charts.PALETTE)
    assert contrast("#222222") >= 4.5  # the text
