"""CSV and Excel files of the statistics' tables: `exports`."""

import csv
import io
from datetime import date

import openpyxl
from django.utils import timezone, translation

from bmis.stats.exports import SUPPRESSED_MARK, as_csv, as_xlsx, filename
from bmis.stats.tables import Column, Table, suppress


def nationalities() -> Table:
    return Table(
        name="by_nationality",
        title="Entrées par nationalité",
        columns=[
            Column("nationality", "Nationalité"),
            Column("entries", "Entrées", numeric=True),
            Column("first", "Première entrée", numeric=False),
        ],
        rows=[
            {"nationality": "République dominicaine", "entries": 12840, "first": date(2025, 11, 1)},
            {"nationality": '=HYPERLINK("x")', "entries": 3, "first": date(2025, 11, 2)},
            {"nationality": "Côte d’Ivoire", "entries": 0, "first": None},
            {"nationality": "@SUM(A1)", "entries": 17, "first": date(2025, 11, 3)},
        ],
        total={"nationality": "Total", "entries": 12860, "first": None},
    )


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_starts_with_a_bom_and_the_labels():
    data = as_csv(nationalities())

    assert data.startswith(b"\xef\xbb\xbf")
    assert read_csv(data)[0] == ["Nationalité", "Entrées", "Première entrée"]


def test_csv_writes_plain_figures_iso_dates_and_the_totals_row_last():
    rows = read_csv(as_csv(nationalities()))

    assert rows[1] == ["République dominicaine", "12840", "2025-11-01"]
    assert rows[3] == ["Côte d’Ivoire", "0", ""]
    assert rows[-1] == ["Total", "12860", ""]
    assert len(rows) == 6


def test_csv_keeps_formulas_as_text():
    table = Table(
        name="t",
        title="t",
        columns=[Column("text", "=label"), Column("n", "N", numeric=True)],
        rows=[{"text": start + "cmd", "n": -4} for start in ("=", "+", "-", "@", "\t", "\r")],
    )

    rows = read_csv(as_csv(table))

    assert rows[0][0] == "'=label"
    assert [row[0] for row in rows[1:]] == ["'=cmd", "'+cmd", "'-cmd", "'@cmd", "'\tcmd", "'\rcmd"]
    assert {row[1] for row in rows[1:]} == {"-4"}  # a negative figure is a figure, not a formula


def test_csv_marks_withheld_cells():
    rows = read_csv(as_csv(suppress(nationalities())))

    assert SUPPRESSED_MARK(5) == "<5"
    assert rows[2][:2] == ['\'=HYPERLINK("x")', "<5"]
    assert rows[4][:2] == ["'@SUM(A1)", "<5"]  # the smallest other count of the column
    assert rows[3][:2] == ["Côte d’Ivoire", "0"]
    assert rows[-1][:2] == ["Total", "12860"]


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_has_an_about_sheet_then_one_sheet_per_table():
    long = Table(name="x" * 40, title="Long", columns=[Column("a", "A")], rows=[])
    same = Table(name="X" * 40, title="Same name", columns=[Column("a", "A")], rows=[])

    with translation.override("en"):
        data = as_xlsx(
            [nationalities(), long, same],
            title="Statistiques de novembre",
            note="Source : passages aux postes.\nExtraction : 1er décembre 2025.",
        )

    book = load(data)

    assert book.sheetnames[0] == "About"
    assert book.sheetnames[1] == "by_nationality"
    assert book.sheetnames[2] == "x" * 31
    assert book.sheetnames[3] == "X" * 27 + " (2)"
    about = book["About"]
    assert about["A1"].value == "Statistiques de novembre"
    assert about["A3"].value == "Source : passages aux postes."
    assert about["A4"].value == "Extraction : 1er décembre 2025."


def test_xlsx_writes_numbers_dates_and_text_with_their_types():
    sheet = load(as_xlsx([nationalities()], title="T"))["by_nationality"]

    assert sheet["A1"].value == "Entrées par nationalité"
    assert [cell.value for cell in sheet[3]] == ["Nationalité", "Entrées", "Première entrée"]
    assert all(cell.font.bold for cell in sheet[3])
    assert sheet.freeze_panes == "A4"
    assert sheet["B4"].value == 12840
    assert sheet["B4"].number_format == "#,##0"
    assert sheet["C4"].value.date() == date(2025, 11, 1)
    assert sheet["C4"].is_date
    assert sheet["A5"].value == '=HYPERLINK("x")'  # text, never run as a formula
    assert sheet["A5"].data_type == "s"
    assert [cell.value for cell in sheet[8]][:2] == ["Total", 12860]
    assert sheet["A8"].font.bold and sheet["B8"].font.bold
    assert not sheet["A4"].font.bold
    assert sheet.column_dimensions["A"].width >= len("République dominicaine")


def test_xlsx_marks_withheld_cells():
    sheet = load(as_xlsx([suppress(nationalities())], title="T"))["by_nationality"]

    assert sheet["B5"].value == "<5"
    assert sheet["B6"].value == 0


def test_filename_is_an_ascii_slug_with_the_date():
    today = timezone.localdate().isoformat()

    assert filename(nationalities(), "csv") == f"by-nationality-{today}.csv"
    assert filename("Rapport d’évaluation: été 2025", "XLSX") == (
        f"rapport-devaluation-ete-2025-{today}.xlsx"
    )
    assert filename("«»", ".pdf") == f"statistics-{today}.pdf"
