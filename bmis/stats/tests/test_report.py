"""The monthly statistical report as a PDF: `report.monthly_pdf`, looked at page by page."""

import random
from datetime import UTC, date, datetime

import pypdfium2
import pytest
from django.utils import formats, translation
from django.utils.translation import gettext

from bmis.stats.report import INDICATORS, MonthlyFigures, monthly_pdf
from bmis.stats.report.figures import change
from bmis.stats.tables import Column, Table, suppress

A4 = (595.28, 841.89)
POSTS = [
    "Aéroport international Toussaint Louverture", "Aéroport international de Cap-Haïtien",
    "Ouanaminthe", "Belladère", "Malpasse", "Anse-à-Pitres", "Port de Port-au-Prince",
    "Port de Cap-Haïtien", "Port-de-Paix", "Gonaïves", "Saint-Marc", "Miragoâne", "Jacmel",
]  # fmt: skip
NATIONALITIES = [
    "République dominicaine", "États-Unis", "Canada", "France", "Cuba", "Venezuela", "Colombie",
    "Mexique", "Brésil", "Chili", "Jamaïque", "Bahamas", "Panama", "Espagne", "Belgique",
    "Suisse", "Allemagne", "Italie", "Royaume-Uni de Grande-Bretagne et d’Irlande du Nord",
    "Côte d’Ivoire", "Sénégal", "Bénin", "Cameroun", "Congo", "Maroc", "Tunisie", "Algérie",
    "Égypte", "Nigéria", "Ghana", "Curaçao", "Aruba", "Trinité-et-Tobago", "Barbade",
    "Sainte-Lucie", "Dominique", "Guadeloupe", "Martinique", "Guyane", "Suriname", "Pérou",
    "Équateur", "Bolivie", "Argentine", "Uruguay", "Paraguay", "Costa Rica", "Honduras",
    "Guatemala", "Nicaragua", "Salvador", "Belize", "Philippines", "Chine", "Japon", "Inde",
    "Liban", "Syrie", "Türkiye", "São Tomé-et-Príncipe",
]  # fmt: skip
CASH = 48213  # the month's entries, a figure the summary shows


def figures(*, protect: bool = True, seed: int = 7) -> MonthlyFigures:
    """Return a plausible November: 30 days, 13 posts, 60 nationalities."""
    rng = random.Random(seed)
    entries = [rng.randint(1200, 2000) for _day in range(30)]
    gap = CASH - sum(entries)  # spread over the month, so that the daily chart stays plausible
    entries = [value + gap // 30 for value in entries]
    entries[0] += CASH - sum(entries)
    exits = [rng.randint(1000, 1900) for _day in range(30)]
    counts = [Column("entries", "Entries", numeric=True), Column("exits", "Exits", numeric=True)]

    def with_total(rows: list[dict], keys=("entries", "exits")) -> dict:
        return {"label": "Total", **{key: sum(row[key] for row in rows) for key in keys}}

    def ranked(name: str, title: str, heading: str, labels: list[str], top=None) -> Table:
        """Return a table of entries and exits by `labels`, the largest first."""
        rows = [
            {
                "label": label,
                "entries": rng.choice([0, 1, 3, 8, 40, 250, 2600]),
                "exits": rng.randint(0, 900),
            }
            for label in labels
        ]
        rows.sort(key=lambda row: -row["entries"])
        if top is not None:  # the top ones and the others together, as the report shows them
            others = {**with_total(rows[top:]), "label": "Other nationalities"}
            rows = [*rows[:top], others]
        return Table(name, title, [Column("label", heading), *counts], rows, with_total(rows))

    ages = []
    for group in ("0-14", "15-24", "25-44", "45-64", "65+"):
        female, male = rng.randint(0, 4000), rng.choice([2, 3000, 5200])
        ages.append({"label": group, "female": female, "male": male, "total": female + male})
    by_sex_and_age = Table(
        "by_sex_age",
        "Entries by sex and age group",
        [
            Column("label", "Age group"),
            Column("female", "Female", numeric=True),
            Column("male", "Male", numeric=True),
            Column("total", "Total", numeric=True, total=True),
        ],
        ages,
        with_total(ages, ("female", "male", "total")),
    )
    purposes = ["Tourism", "Business", "Family", "Transit", "Work"]
    reasons = ["No valid document", "False visa", "Alert for refusal"]
    tables = [
        ranked("by_post", "Crossings by post", "Post", POSTS),
        ranked("by_nationality", "Entries by nationality", "Nationality", NATIONALITIES, top=20),
        by_sex_and_age,
        ranked("by_purpose", "Entries by purpose", "Purpose", purposes),
        ranked("refusals_by_reason", "Refusals by reason", "Reason", reasons),
    ]
    totals = {
        "entries": CASH, "exits": sum(exits), "net": CASH - sum(exits), "refusals": 131,
        "referrals": 912, "present": 20544, "overstayers": 1730, "hits": 17,
    }  # fmt: skip
    last_year = dict(totals, entries=41002, net=-500, refusals=0, hits=None)
    return MonthlyFigures(
        month=date(2025, 11, 1),
        scope="Haiti",
        generated_at=datetime(2025, 12, 1, 12, 30, tzinfo=UTC),
        totals=totals,
        last_year=last_year,
        daily={"entries": entries, "exits": exits},
        tables=[suppress(table) for table in tables] if protect else tables,
        suppressed=protect,
    )


def pages_of(pdf: bytes):
    document = pypdfium2.PdfDocument(pdf)
    return document, [document[index] for index in range(len(document))]


def page_text(page) -> str:
    """Return a page's words separated by single spaces (wrapped cells and no-break spaces too)."""
    return " ".join(page.get_textpage().get_text_range().split())


def spaced(text: str) -> str:
    """Return `text` as `page_text` gives it back."""
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["fr", "ht", "en", "es"])
def test_the_monthly_report_renders_in_each_language(lang):
    pdf = monthly_pdf(figures(), lang=lang)

    assert pdf.startswith(b"%PDF")
    document, pages = pages_of(pdf)
    assert len(pages) > 1
    texts = [page_text(page) for page in pages]
    for number, page in enumerate(pages, start=1):
        width, height = page.get_size()
        assert (round(width), round(height)) == (round(A4[0]), round(A4[1]))
        image = page.render(scale=0.5).to_pil().convert("L")
        inked = sum(count for shade, count in enumerate(image.histogram()) if shade < 200)
        assert inked > 500, f"page {number} looks blank"
    everything = "\n".join(texts)
    with translation.override(lang):
        title = gettext("Monthly statistical report on border crossings")
        figure = spaced(formats.number_format(CASH, force_grouping=True))
        footer = gettext("Page %(page)s of %(pages)s") % {"page": len(pages), "pages": len(pages)}
    assert spaced(title) in texts[0]
    assert figure in texts[0]
    assert footer in texts[-1]
    assert "Aéroport international Toussaint Louverture" in everything
    assert "<5" in everything  # the tables were suppressed, and the method says so
    document.close()


def test_the_french_report_speaks_french():
    document, pages = pages_of(monthly_pdf(figures(), lang="fr"))

    first = page_text(pages[0])
    assert "novembre 2025" in first.lower()
    assert "décembre 2025" in first  # generated on 1 December
    assert "é" in first
    assert "48 213" in first
    document.close()


def test_the_summary_compares_with_the_same_month_a_year_before():
    with translation.override("en"):
        document, pages = pages_of(monthly_pdf(figures(), lang="en"))

    first = page_text(pages[0])
    assert "48,213" in first and "41,002" in first
    assert "+17.6%" in first  # (48,213 - 41,002) / 41,002
    assert "November 2024" in first
    document.close()


def test_change_has_no_meaning_from_nothing_or_from_a_negative_figure():
    assert change(110, 100) == pytest.approx(10)
    assert change(90, 100) == pytest.approx(-10)
    assert change(5, 0) is None
    assert change(-300, -500) is None
    assert change(None, 100) is None
    assert change(100, None) is None


def test_a_long_table_repeats_its_header_on_every_page():
    month = figures(protect=False)
    rows = [{"label": f"Day {number}", "entries": number * 7} for number in range(1, 181)]
    month.tables = [
        Table("by_day", "Entries by day", [Column("label", "Heading of the day column"),
              Column("entries", "Entries", numeric=True)], rows)
    ]  # fmt: skip

    document, pages = pages_of(monthly_pdf(month, lang="en"))

    with_rows = [page_text(page) for page in pages if "Day 1" in page_text(page)]
    assert len(with_rows) >= 3
    assert all("Heading of the day column" in text for text in with_rows)
    assert "Day 180" in page_text(pages[-1]) or "Day 180" in page_text(pages[-2])
    assert "<5" not in "\n".join(page_text(page) for page in pages)
    document.close()


def test_an_empty_month_still_makes_a_report():
    month = figures()
    month.totals = {key: None for key, _label in INDICATORS}
    month.daily = {"entries": [], "exits": []}
    month.tables = []

    document, pages = pages_of(monthly_pdf(month, lang="en"))

    everything = "\n".join(page_text(page) for page in pages)
    assert "No data" in everything
    assert "Method" in everything
    document.close()
