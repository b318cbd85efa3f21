"""A travel document as the counter reads it: from its MRZ (domain.mrz) or typed by hand.

Both paths give a `Reading` with the same fields and the same kinds of problem, each problem a
machine code and a field that `problem_message` turns into a sentence in the officer's language.
A Reading is recomputed from what was typed at every step (scan, then decision): nothing the
browser sends back is trusted as already checked.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bmis.crossings.models import DocumentKind
from domain import mrz as mrzlib
from domain.mrz import states

NUMBER_RE = re.compile(r"^[A-Z0-9]{1,30}$")
NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*$")

# The kinds of document a counter accepts without an MRZ.
MANUAL_KINDS = [
    DocumentKind.ID_CARD,
    DocumentKind.LAISSEZ_PASSER,
    DocumentKind.BORDER_CARD,
    DocumentKind.TRAVEL_DOCUMENT,
    DocumentKind.PASSPORT,
    DocumentKind.OTHER,
]

FIELD_NAMES = {
    "lines": gettext_lazy("the lines"),
    "line_1": gettext_lazy("line 1"),
    "line_2": gettext_lazy("line 2"),
    "line_3": gettext_lazy("line 3"),
    "document_code": gettext_lazy("the document code"),
    "issuing_state": gettext_lazy("the issuing state"),
    "name": gettext_lazy("the name"),
    "surname": gettext_lazy("the surname"),
    "given_names": gettext_lazy("the given names"),
    "document_number": gettext_lazy("the document number"),
    "nationality": gettext_lazy("the nationality"),
    "birth_date": gettext_lazy("the date of birth"),
    "sex": gettext_lazy("the sex"),
    "expiry_date": gettext_lazy("the date of expiry"),
    "optional_data": gettext_lazy("the optional data"),
    "optional_data_2": gettext_lazy("the second optional data"),
    "composite": gettext_lazy("the composite check digit"),
    "kind": gettext_lazy("the kind of document"),
}


def problem_message(code: str, field_name: str | None) -> str:
    """Return the sentence an officer reads for a problem `code` in `field_name`."""
    where = str(FIELD_NAMES.get(field_name or "", field_name or ""))
    messages = {
        "check_digit": _(
            "The check digit of %(field)s does not match: the zone was misread or altered."
        ),
        "charset": _("%(field)s holds characters it may not hold."),
        "date": _("%(field)s is not a valid date."),
        "empty": _("Nothing was read: scan the document again or type its zone."),
        "not_text": _("Nothing was read: scan the document again or type its zone."),
        "format": _("%(field)s does not match any layout of a machine readable zone."),
        "length": _(
            "%(field)s is not as long as a machine readable zone line (30, 36 or 44 characters)."
        ),
        "sex": _("%(field)s must be M, F, X or <."),
        "state_code": _("%(field)s is not a known state or nationality code."),
        "required": _("Fill in %(field)s."),
        "expired": _("The document expired: check the date of expiry."),
        "future": _("%(field)s is in the future."),
        "visa": _("This zone is a visa's: scan the traveller's passport or identity card."),
        "number": _("%(field)s takes 1 to 30 letters A-Z and digits."),
        "letters": _("%(field)s takes letters, spaces, hyphens and apostrophes only."),
    }
    text = messages.get(code, _("%(field)s is not valid.")) % {"field": where}
    return text[:1].upper() + text[1:]


@dataclass
class Reading:
    """The facts of a document and the problems found in them."""

    source: str  # "mrz" or "manual"
    kind: str
    document_code: str
    issuing_state: str
    number: str
    surname: str
    given_names: str
    nationality: str
    sex: str
    birth_date: date | None
    birth_date_raw: str
    expiry_date: date | None
    expiry_date_raw: str
    mrz: str = ""
    format: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)
    corrections: list[tuple[str, str, str]] = field(default_factory=list)
    name_truncated: bool = False

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def messages(self) -> list[str]:
        return [problem_message(code, where) for code, where in self.problems]


class Unreadable(Exception):
    """What was typed is not a machine readable zone at all."""

    def __init__(self, code: str, field_name: str | None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field_name

    @property
    def message(self) -> str:
        return problem_message(self.code, self.field)


def kind_of(document_code: str) -> str:
    """Return our kind of document for an MRZ document code (Doc 9303 Parts 4 to 6)."""
    if document_code.startswith("P"):
        return DocumentKind.PASSPORT
    if document_code[:1] in ("I", "A", "C"):
        return DocumentKind.ID_CARD
    return DocumentKind.OTHER


def from_mrz(text: str, *, today: date) -> Reading:
    """Read a scanned or typed MRZ; raise Unreadable if it is not MRZ-shaped."""
    try:
        zone = mrzlib.parse(text, today=today)
    except mrzlib.MrzUnreadable as exc:
        raise Unreadable(exc.code, exc.field) from None
    if zone.format.startswith("MRV"):
        raise Unreadable("visa", None)
    problems = [(problem.code, problem.field) for problem in zone.errors]
    return Reading(
        source="mrz",
        kind=kind_of(zone.document_code),
        document_code=zone.document_code,
        issuing_state=zone.issuing_state,
        number=zone.document_number,
        surname=zone.surname,
        given_names=zone.given_names,
        nationality=zone.nationality,
        sex=zone.sex if zone.sex in "MFX" else "",
        birth_date=zone.birth_date,
        birth_date_raw=zone.birth_date_raw,
        expiry_date=zone.expiry_date,
        expiry_date_raw=zone.expiry_date_raw,
        mrz="\n".join(zone.lines),
        format=zone.format,
        problems=problems,
        corrections=[(c.field, c.before, c.after) for c in zone.corrections],
        name_truncated=zone.name_truncated,
    )


def from_manual(data: dict, *, today: date) -> Reading:
    """Check a document typed by hand, with the checks an MRZ's fields get.

    `data` holds the cleaned form's values: strings, and dates or None.
    """
    problems: list[tuple[str, str]] = []
    kind = data.get("kind") or ""
    if kind not in DocumentKind.values:
        problems.append(("required", "kind"))
    number = re.sub(r"[\s\-]", "", (data.get("number") or "").upper())
    if not number:
        problems.append(("required", "document_number"))
    elif not NUMBER_RE.match(number):
        problems.append(("number", "document_number"))
    surname = " ".join((data.get("surname") or "").upper().split())
    given = " ".join((data.get("given_names") or "").upper().split())
    if not surname:
        problems.append(("required", "surname"))
    elif not NAME_RE.match(surname):
        problems.append(("letters", "surname"))
    if given and not NAME_RE.match(given):
        problems.append(("letters", "given_names"))
    codes = {}
    for name in ("issuing_state", "nationality"):
        code = (data.get(name) or "").upper().strip()
        codes[name] = code
        if not code:
            problems.append(("required", name))
        elif not states.known(code):
            problems.append(("state_code", name))
    birth, expiry = data.get("birth_date"), data.get("expiry_date")
    if birth is None:
        problems.append(("required", "birth_date"))
    elif birth > today:
        problems.append(("future", "birth_date"))
    sex = data.get("sex") or ""
    if sex not in ("M", "F", "X", ""):
        problems.append(("sex", "sex"))
    return Reading(
        source="manual",
        kind=kind,
        document_code="",
        issuing_state=codes["issuing_state"],
        number=number,
        surname=surname,
        given_names=given,
        nationality=codes["nationality"],
        sex=sex,
        birth_date=birth,
        birth_date_raw=birth.strftime("%y%m%d") if birth else "",
        expiry_date=expiry,
        expiry_date_raw=expiry.strftime("%y%m%d") if expiry else "",
        problems=problems,
    )
