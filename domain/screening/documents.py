"""Lost, stolen and invalid travel documents, checked by number and issuing state.

Like INTERPOL's SLTD, an entry is a document number and the state that issued it; an entry that
names no state stands for every state. Numbers are compared normalised (upper case, letters and
digits only: ICAO Doc 9303 Part 3 §4.2 numbers hold A-Z and 0-9) and, so that a misread zone
still meets its entry, with the look-alikes of OCR-B read alike: O/0, I/1, S/5, B/8, Z/2, G/6
(the same pairs `domain.mrz.ocr` repairs).

Memory (written here; no library we may use keeps ten million keys compactly): each number's
canonical form (look-alikes as digits) is written in base 37 into one 64-bit integer, exact and
reversible for numbers of up to 12 characters; a longer number keeps a 63-bit BLAKE2 hash with
the top bit set. The keys sit sorted in one `array('Q')`, with the row of each entry beside it;
per row, the state (an index into a short table of codes), which positions held a look-alike
letter (a bit mask, so that the number as listed is known again without keeping it), the status
and the source_ref (one UTF-8 blob with offsets). About 32 bytes a document: 10,000,000 numbers
take some 320 MB, and a check is one binary search (bisect), a few microseconds.

Arrays pickle as bytes: a worker loads a pickled index in well under a second, and a forked
worker shares it copy-on-write (an array is one object, so reading it dirties no page).
"""

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from typing import Final

from domain.screening.entries import DocumentEntry
from domain.screening.errors import EntryError, IndexFormatError, TravellerError
from domain.screening.values import Explanation, FieldCheck, Hit

LOOK_ALIKES: Final = str.maketrans("OISBZG", "015826")
ALPHABET: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
EXACT_LENGTH: Final = 12  # 37**12 < 2**63
STATUSES: Final = ("lost", "stolen", "stolen_blank", "revoked", "invalid")
OCR_SCORE: Final = 0.9  # a number that differs only in look-alikes, per the explanation
VERSION: Final = 1
STATES: Final = {"D": "DEU"}  # ICAO Doc 9303 Part 3 §5: Germany is D<<


def normalise(number: str) -> str:
    """Return a document number in upper case, letters and digits only."""
    return "".join(char for char in number.upper() if char.isascii() and char.isalnum())


def canonical(number: str) -> str:
    """Return a normalised number with every OCR look-alike letter read as its digit."""
    return normalise(number).translate(LOOK_ALIKES)


def state_code(state: str) -> str:
    """Return an issuing state's code without MRZ fillers (D<< is DEU)."""
    code = state.upper().replace("<", "").strip()
    return STATES.get(code, code)


class DocumentIndex:
    """Documents on an alert list, searchable by number and issuing state."""

    def __init__(self) -> None:
        self.version = VERSION
        self.keys = array("Q")  # sorted: key << 32 | row would overflow, so rows sit beside
        self.rows = array("I")
        self.states = array("H")  # per row: index into state_table; 0 is "no state"
        self.masks = array("I")  # per row: bit i set where the number held a look-alike letter
        self.status = bytearray()
        self.ref_offsets = array("Q", [0])
        self.refs = bytearray()
        self.state_table: list[str] = [""]

    @classmethod
    def build(cls, entries: Iterable[DocumentEntry]) -> "DocumentIndex":
        """Return the index of `entries` (any iterable: ten million are read one at a time)."""
        index = cls()
        state_ids = {"": 0}
        pairs = array("Q")
        for entry in entries:
            if not isinstance(entry, DocumentEntry) or not isinstance(entry.number, str):
                raise EntryError("entry", "number")
            if not isinstance(entry.issuing_state, str) or not isinstance(entry.source_ref, str):
                raise EntryError("entry", "issuing_state")
            number = normalise(entry.number)
            pairs.append(_key(number.translate(LOOK_ALIKES)))
            index.masks.append(_mask(number))
            state = state_code(entry.issuing_state)
            if state not in state_ids:
                state_ids[state] = len(index.state_table)
                index.state_table.append(state)
            index.states.append(state_ids[state])
            index.status.append(STATUSES.index(entry.status) if entry.status in STATUSES else 1)
            index.refs += entry.source_ref.encode()
            index.ref_offsets.append(len(index.refs))
        order = sorted(range(len(pairs)), key=pairs.__getitem__)
        index.keys = array("Q", [pairs[row] for row in order])
        index.rows = array("I", order)
        return index

    def __len__(self) -> int:
        return len(self.rows)

    def __setstate__(self, state: dict) -> None:
        if state.get("version") != VERSION:
            raise IndexFormatError("version", "DocumentIndex")
        self.__dict__.update(state)

    def search(self, number: str, state: str = "") -> list[Hit]:
        """Return the entries for a document number issued by `state` ("" for any state)."""
        if not isinstance(number, str) or not isinstance(state, str):
            raise TravellerError(
                "not_text", "document_number" if isinstance(state, str) else "state"
            )
        wanted = normalise(number)
        if not wanted:
            return []
        key = _key(wanted.translate(LOOK_ALIKES))
        state = state_code(state)
        hits = []
        position = bisect_left(self.keys, key)
        while position < len(self.keys) and self.keys[position] == key:
            row = self.rows[position]
            position += 1
            listed_state = self.state_table[self.states[row]]
            if state and listed_state and state != listed_state:
                continue
            hits.append(self._hit(row, wanted, state, listed_state))
        return sorted(hits, key=lambda hit: -hit.score)

    def _hit(self, row: int, wanted: str, state: str, listed_state: str) -> Hit:
        listed = _unmask(wanted.translate(LOOK_ALIKES), self.masks[row], len(wanted))
        exact = listed == wanted
        number = FieldCheck(
            "document_number", "match" if exact else "ocr", wanted, listed, 0.0 if exact else -0.1
        )
        if not listed_state:
            issuer = FieldCheck("issuing_state", "any", state, "", 0.0)
        elif not state:
            issuer = FieldCheck("issuing_state", "unknown", "", listed_state, 0.0)
        else:
            issuer = FieldCheck("issuing_state", "match", state, listed_state, 0.0)
        ref = self.refs[self.ref_offsets[row] : self.ref_offsets[row + 1]].decode()
        score = 1.0 if exact else OCR_SCORE
        return Hit(ref, row, "document", score, Explanation(None, (number, issuer)))

    def status_of(self, hit: Hit) -> str:
        """Return the status (lost, stolen, …) of the entry a document hit points at."""
        return STATUSES[self.status[hit.entry]]


def _key(number: str) -> int:
    """Return the 64-bit key of a canonical number: base 37 when short, else a hash."""
    if len(number) <= EXACT_LENGTH and number.isascii():
        value = 0
        for char in number:
            value = value * 37 + ALPHABET.index(char) + 1
        return value
    digest = hashlib.blake2b(number.encode(), digest_size=8).digest()
    return int.from_bytes(digest) | 1 << 63


def _mask(number: str) -> int:
    return sum(1 << i for i, char in enumerate(number[:32]) if char in "OISBZG")


def _unmask(canonical_number: str, mask: int, length: int) -> str:
    """Return the number as listed, from its canonical form and the mask of its letters."""
    back = dict(zip("015826", "OISBZG", strict=True))
    return "".join(
        back[char] if mask >> i & 1 and char in back else char
        for i, char in enumerate(canonical_number[:length])
    )
