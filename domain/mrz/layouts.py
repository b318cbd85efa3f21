"""Layouts of machine readable zones (ICAO Doc 9303 Parts 4 to 7).

TD3 (Part 4, passports: 2 lines of 44), TD1 (Part 5, cards: 3 lines of 30), TD2 (Part 6: 2 lines
of 36), MRV-A and MRV-B (Part 7, visas: 2 lines of 44 and of 36). Fields are named alike across
layouts so that parsing, repair and building are one table-driven walk; positions here count
from 0, where Doc 9303 counts from 1.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from domain.mrz.errors import MrzUnreadable

Format = Literal["TD1", "TD2", "TD3", "MRVA", "MRVB"]


@dataclass(frozen=True)
class Span:
    """Characters `start` to `stop` (exclusive) of line `line`."""

    line: int
    start: int
    stop: int

    @property
    def width(self) -> int:
        return self.stop - self.start

    def read(self, lines: Sequence[str]) -> str:
        """Return the characters of the span in `lines`."""
        return lines[self.line][self.start : self.stop]


@dataclass(frozen=True)
class Layout:
    """Where each field of one MRZ format lies."""

    format: Format
    line_count: int
    line_length: int
    fields: Mapping[str, Span]
    composite: tuple[Span, ...]  # what the composite check digit covers; none on visas
    long_number: bool  # Part 5 and Part 6: a number over 9 characters runs on in optional data

    @property
    def visa(self) -> bool:
        return self.format.startswith("MRV")

    def checked(self, lines: Sequence[str], check: str) -> str:
        """Return the characters the check digit field `check` is computed over."""
        if check == "composite_check":
            return "".join(span.read(lines) for span in self.composite)
        return self.fields[check.removesuffix("_check")].read(lines)


def _line(line: int, **spans: tuple[int, int]) -> dict[str, Span]:
    return {name: Span(line, start, stop) for name, (start, stop) in spans.items()}


# The upper line of every layout but TD1 (Parts 4, 6, 7): document code, issuing state, name.
_UPPER = {"document_code": (0, 2), "issuing_state": (2, 5)}
# The first 28 characters of the lower line are the same on TD2, TD3, MRV-A and MRV-B.
_LOWER = {
    "document_number": (0, 9),
    "document_number_check": (9, 10),
    "nationality": (10, 13),
    "birth_date": (13, 19),
    "birth_date_check": (19, 20),
    "sex": (20, 21),
    "expiry_date": (21, 27),
    "expiry_date_check": (27, 28),
}

TD1 = Layout(  # Part 5: identity cards and other TD1 documents
    format="TD1",
    line_count=3,
    line_length=30,
    fields={
        **_line(0, **_UPPER, document_number=(5, 14), document_number_check=(14, 15)),
        **_line(0, optional_data=(15, 30)),
        **_line(1, birth_date=(0, 6), birth_date_check=(6, 7), sex=(7, 8)),
        **_line(1, expiry_date=(8, 14), expiry_date_check=(14, 15), nationality=(15, 18)),
        **_line(1, optional_data_2=(18, 29), composite_check=(29, 30)),
        **_line(2, name=(0, 30)),
    },
    composite=(Span(0, 5, 30), Span(1, 0, 7), Span(1, 8, 15), Span(1, 18, 29)),
    long_number=True,
)
TD2 = Layout(  # Part 6: TD2 documents
    format="TD2",
    line_count=2,
    line_length=36,
    fields={
        **_line(0, **_UPPER, name=(5, 36)),
        **_line(1, **_LOWER, optional_data=(28, 35), composite_check=(35, 36)),
    },
    composite=(Span(1, 0, 10), Span(1, 13, 20), Span(1, 21, 35)),
    long_number=True,
)
TD3 = Layout(  # Part 4: passports
    format="TD3",
    line_count=2,
    line_length=44,
    fields={
        **_line(0, **_UPPER, name=(5, 44)),
        **_line(1, **_LOWER, optional_data=(28, 42), optional_data_check=(42, 43)),
        **_line(1, composite_check=(43, 44)),
    },
    composite=(Span(1, 0, 10), Span(1, 13, 20), Span(1, 21, 43)),
    long_number=False,
)
MRVA = Layout(  # Part 7 (format A)
    format="MRVA",
    line_count=2,
    line_length=44,
    fields={**_line(0, **_UPPER, name=(5, 44)), **_line(1, **_LOWER, optional_data=(28, 44))},
    composite=(),
    long_number=False,
)
MRVB = Layout(  # Part 7 (format B)
    format="MRVB",
    line_count=2,
    line_length=36,
    fields={**_line(0, **_UPPER, name=(5, 36)), **_line(1, **_LOWER, optional_data=(28, 36))},
    composite=(),
    long_number=False,
)
LAYOUTS: tuple[Layout, ...] = (TD1, TD2, TD3, MRVA, MRVB)
BY_FORMAT: Mapping[Format, Layout] = {layout.format: layout for layout in LAYOUTS}
STRAY: Final = 1  # characters a scanner may add at the end of a line


def _fits(layout: Layout, line: str) -> bool:
    return 0 <= len(line) - layout.line_length <= STRAY


def detect(lines: Sequence[str]) -> Layout:
    """Return the layout `lines` fit, or raise MrzUnreadable naming what fits none."""
    candidates = [layout for layout in LAYOUTS if layout.line_count == len(lines)]
    if not candidates:
        raise MrzUnreadable("format", "lines", f"{len(lines)} lines: an MRZ has 2 or 3")
    fitting = [layout for layout in candidates if all(_fits(layout, line) for line in lines)]
    if not fitting:
        # The first line decides the length the others should have.
        bad = next(
            i
            for i, line in enumerate(lines)
            if not any(_fits(layout, line) and _fits(layout, lines[0]) for layout in candidates)
        )
        raise MrzUnreadable("length", f"line_{bad + 1}", f"line {bad + 1} fits no layout")
    # TD3 and MRV-A, TD2 and MRV-B share a shape: a visa's document code starts with V (Part 7).
    visa = lines[0].startswith("V")
    return next((layout for layout in fitting if layout.visa == visa), fitting[0])
