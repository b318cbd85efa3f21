"""Our CSV format for lost, stolen and invalid documents (format `documents-csv`).

Modelled on INTERPOL's Stolen and Lost Travel Documents database (SLTD): a document alert is a
number and an issuing state. A UTF-8 CSV file (RFC 4180; a byte order mark is allowed, as
spreadsheets write one) whose first record is a header naming these columns, in any order:

* `number`: the document number as printed; required.
* `issuing_state`: ISO 3166-1 alpha-3 or ICAO code (Doc 9303 Part 3 §5, `D` for Germany
  included); required.
* `document_type`: the document code (`P`, `ID`, `V`, ...); may be empty.
* `status`: `lost`, `stolen`, `stolen_blank`, `revoked` or `invalid`; required.
* `ref`: the list's reference of the alert; when empty, `STATE:NUMBER`.
* `notes`: free text.

    number,issuing_state,document_type,status,ref,notes
    L898902C3,UTO,P,stolen,,reported 2024-05-01 at PAP

Values are stripped of surrounding spaces; every one is checked, and the first fault stops the
reading with the line and column at fault.
"""

from collections.abc import Iterator
from typing import Final, get_args

from domain.mrz.states import known
from domain.screening.entries import DocumentEntry, DocumentStatus
from domain.screening.sources.errors import MalformedSource
from domain.screening.sources.files import Files
from domain.screening.sources.tabular import with_header

WHAT: Final = "a documents CSV list"
COLUMNS: Final = ("number", "issuing_state", "document_type", "status", "ref", "notes")
STATUSES: Final = get_args(DocumentStatus)


def entries(files: Files) -> Iterator[DocumentEntry]:
    """Read the documents of each file, in the file's order."""
    for path in files.paths:
        for line, row in with_header(files, path, COLUMNS, WHAT):

            def fault(code, message, column, line=line, path=path):
                return MalformedSource(code, message, file=str(path), line=line, field=column)

            if not row["number"]:
                raise fault("missing", "a document without a number", "number")
            state = row["issuing_state"]
            if not state:
                raise fault("missing", "a document without an issuing state", "issuing_state")
            if not known(state):
                raise fault("value", f"{state!r} is not an alpha-3 or ICAO code", "issuing_state")
            if row["status"] not in STATUSES:
                raise fault(
                    "value" if row["status"] else "missing",
                    f"the status must be one of {', '.join(STATUSES)}",
                    "status",
                )
            yield DocumentEntry(
                source_ref=row["ref"] or f"{state}:{row['number']}",
                number=row["number"],
                issuing_state=state,
                document_type=row["document_type"],
                status=row["status"],  # type: ignore[arg-type]
                notes=row["notes"],
            )
