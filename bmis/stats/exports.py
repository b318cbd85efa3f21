"""Write statistical tables as files for analysts and partners: CSV and Excel workbooks.

CSV follows RFC 4180 with a UTF-8 byte order mark, which Excel needs to read accented names.
Both formats guard against formula injection (OWASP, "CSV Injection"): a label such as
``=HYPERLINK(...)`` stays text. Figures stay machine-readable (no thousands separator in CSV,
real numbers and dates in Excel); a withheld cell reads ``<5``.
"""

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bmis.stats.tables import SUPPRESSED_MARK, Table

__all__ = ["SUPPRESSED_MARK", "as_csv", "as_xlsx", "filename"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP, CSV Injection)."""

SHEET_NAME_LENGTH = 31  # Excel's limit
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
THOUSANDS = "#,##0"
DAY = "yyyy-mm-dd"


def cell_text(table: Table, value) -> str:
    """Return a cell as CSV text: ISO dates, plain integers, the mark for a withheld cell."""
    if value is None:
        return SUPPRESSED_MARK(table.below) if table.suppressed else ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return defuse(str(value))


def defuse(text: str) -> str:
    """Return `text` with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_csv(table: Table) -> bytes:
    """Return the table as CSV bytes: header of column labels, the rows, the totals row last."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(defuse(str(column.label)) for column in table.columns)
    for row in _rows_with_total(table):
        writer.writerow(cell_text(table, row.get(column.key)) for column in table.columns)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(tables: Iterable[Table], *, title: str, note: str = "") -> bytes:
    """Return an Excel workbook: an "About" sheet with the title and note, then one per table."""
    tables = list(tables)
    book = Workbook()
    about = book.active
    names: set[str] = set()
    about.title = sheet_name(_("About"), names)
    about["A1"] = _text(title)
    about["A1"].font = Font(bold=True, size=14)
    line = 3
    for paragraph in str(note).splitlines():
        about.cell(row=line, column=1, value=_text(paragraph))
        line += 1
    line += 1 if note else 0
    about.cell(row=line, column=1, value=_text(_("Sheets"))).font = Font(bold=True)
    sheets = [(table, sheet_name(table.name, names)) for table in tables]
    for offset, (table, name) in enumerate(sheets, start=1):
        about.cell(row=line + offset, column=1, value=_text(name))
        about.cell(row=line + offset, column=2, value=_text(str(table.title)))
    about.column_dimensions["A"].width = 32
    about.column_dimensions["B"].width = 60
    for table, name in sheets:
        _write_sheet(book.create_sheet(name), table)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet, table: Table) -> None:
    """Fill one sheet: title row, bold frozen header, rows, bold totals row, column widths."""
    sheet.cell(row=1, column=1, value=_text(str(table.title))).font = Font(bold=True, size=13)
    header_row = 3
    widths = [len(str(column.label)) for column in table.columns]
    for number, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=header_row, column=number, value=_text(str(column.label)))
        cell.font = Font(bold=True)
        if column.numeric:
            cell.alignment = Alignment(horizontal="right")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    rows = _rows_with_total(table)
    for offset, row in enumerate(rows, start=1):
        is_total = table.total is not None and offset == len(rows)
        for number, column in enumerate(table.columns, start=1):
            value = row.get(column.key)
            cell = sheet.cell(row=header_row + offset, column=number)
            shown = _fill(cell, table, value)
            widths[number - 1] = max(widths[number - 1], len(shown))
            if is_total:
                cell.font = Font(bold=True)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = min(max(width + 2, 8), 60)


def _fill(cell, table: Table, value) -> str:
    """Write `value` into `cell` with its type and format; return its text, to size the column."""
    if value is None:
        text = SUPPRESSED_MARK(table.below) if table.suppressed else ""
        cell.value = _text(text)
        cell.alignment = Alignment(horizontal="right")
        return text
    if isinstance(value, datetime):
        # Excel has no time zones: write the wall-clock time the reader expects.
        value = (
            timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        )
        cell.value, cell.number_format = value, "yyyy-mm-dd hh:mm"
        return "0000-00-00 00:00"
    if isinstance(value, date):
        cell.value, cell.number_format = value, DAY
        return "0000-00-00"
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell.value, cell.number_format = value, THOUSANDS
        return f"{value:,}"
    cell.value = _text(str(value))
    cell.data_type = "s"  # openpyxl reads a leading "=" as a formula; this is text
    return str(value)


def _text(value: str) -> str:
    """Return `value` without the control characters an XLSX file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _rows_with_total(table: Table) -> list[dict]:
    return [*table.rows, table.total] if table.total is not None else list(table.rows)


def sheet_name(name: str, taken: set[str]) -> str:
    """Return a valid sheet name for `name`, unique among `taken` (which it updates).

    Excel refuses names over 31 characters, with ``[]:*?/\\``, starting or ending with an
    apostrophe, and compares them without regard to case.
    """
    base = SHEET_NAME_FORBIDDEN.sub("_", str(name)).strip("'") or "Sheet"
    base = base[:SHEET_NAME_LENGTH]
    candidate, number = base, 1
    while candidate.lower() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def filename(table_or_title: Table | str, ext: str) -> str:
    """Return a file name safe in a Content-Disposition header: an ASCII slug, the date, `ext`.

    ``filename(table, "csv")`` gives ``by-nationality-2025-11-30.csv``; the date is today's in
    Haiti's time.
    """
    name = table_or_title.name if isinstance(table_or_title, Table) else str(table_or_title)
    slug = slugify(name.replace("_", "-"))[:80].strip("-") or "statistics"
    extension = re.sub(r"[^a-z0-9]", "", ext.lower()) or "bin"
    return f"{slug}-{timezone.localdate().isoformat()}.{extension}"
