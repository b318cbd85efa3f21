"""The name index: every name and alias of a person list, searchable in a few milliseconds.

Blocking (written here): each distinct name part of the list is a token of a vocabulary; the
token's blocking keys (names.keys: deletion neighbourhood, Metaphone, first four letters,
consonant skeleton) are hashed with CRC-32 into one sorted `array('Q')` of key << 32 | token. A
traveller's part looks its own keys up (a binary search each), and each token found is scored
once with rapidfuzz (names.similarity). Tokens lead to names through postings, names to entries
through arrays. A name is a candidate when it holds tokens of two parts of the traveller's name
(or of a compound of two), or when it has a single part; candidates are aligned (align.py) from
the token scores already computed, so no string is compared per candidate.

Memory: integers in `array`s and one UTF-8 blob for the texts an explanation shows, about 100
bytes a name; no object per name or entry. Arrays pickle as bytes, so a worker process loads a
pickled index in about a second, and workers forked after loading share it copy-on-write.
"""

import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from domain.screening import evidence
from domain.screening.align import LEFT_OVER, SURNAME_MISSED, Alignment, Unit, align
from domain.screening.documents import canonical, normalise
from domain.screening.entries import PartialDate, PersonEntry
from domain.screening.errors import EntryError, IndexFormatError, TravellerError
from domain.screening.names import Form, How, keys, similarity, tokens
from domain.screening.values import Explanation, Hit, NameMatch, PartMatch, Traveller

VERSION: Final = 1
TOKEN_FLOOR: Final = 0.7  # a pair of parts less similar than this does not count at all
SPARSE: Final = 5000  # names one traveller's part may lead to when no second part narrows them
CROWDED: Final = 2000  # candidates beyond which pairs of common parts are not looked at
SEXES: Final = ("", "M", "F")


class NameIndex:
    """Person entries, searchable by the traveller's name, birth date, nationality and sex."""

    def __init__(self) -> None:
        self.version = VERSION
        self.vocabulary: list[str] = []
        self.token_ids: dict[str, int] = {}
        self.other_forms: dict[int, tuple[Form, ...]] = {}
        self.key_table = array("Q")
        self.posting_offsets = array("I", [0])
        self.postings = array("I")
        self.single: dict[int, list[int]] = {}  # token → names that are that token alone
        self.name_offsets = array("I", [0])
        self.name_tokens = array("I")
        self.name_entry = array("I")
        self.name_position = array("H")
        self.name_alias = bytearray()
        self.name_text_offsets = array("Q", [0])
        self.name_text = bytearray()
        self.ref_offsets = array("Q", [0])
        self.refs = bytearray()
        self.date_offsets = array("I", [0])
        self.dates = array("I")  # YYYYMMDD, 00 where the month or day is unknown
        self.nationality_offsets = array("I", [0])
        self.nationalities = array("H")
        self.nationality_table: list[str] = []
        self.sexes = bytearray()
        self.documents: dict[int, tuple[str, ...]] = {}
        self._caches()

    def _caches(self) -> None:
        self._matches = lru_cache(maxsize=50_000)(self._match)
        self._names_of = lru_cache(maxsize=256)(self._names)

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict) -> None:
        if state.get("version") != VERSION:
            raise IndexFormatError("version", "NameIndex")
        self.__dict__.update(state)
        self._caches()

    def __len__(self) -> int:
        return len(self.name_entry)

    @classmethod
    def build(cls, entries: Iterable[PersonEntry]) -> "NameIndex":
        """Return the index of every name and alias of `entries`."""
        index = cls()
        parts_seen: dict[tuple[Form, ...], int] = {}
        nationality_ids: dict[str, int] = {}
        for position, entry in enumerate(entries):
            if not isinstance(entry, PersonEntry) or not isinstance(entry.source_ref, str):
                raise EntryError("entry", "source_ref")
            index._add_entry(position, entry, parts_seen, nationality_ids)
        index._index_tokens()
        return index

    def _add_entry(self, position: int, entry: PersonEntry, parts_seen, nationality_ids) -> None:
        seen_names = set()
        for name_position, name in enumerate(entry.names):
            text = name.full or f"{name.surname} {name.given_names}"
            if not isinstance(text, str):
                raise EntryError("entry", "names")
            ids = tuple(self._token(forms, parts_seen) for forms in tokens(text))
            if not ids or ids in seen_names:
                continue
            seen_names.add(ids)
            self.name_tokens.extend(ids)
            self.name_offsets.append(len(self.name_tokens))
            self.name_entry.append(position)
            self.name_position.append(min(name_position, 65535))
            self.name_alias.append(bool(name.is_alias))
            self.name_text += text.encode()
            self.name_text_offsets.append(len(self.name_text))
        self.refs += entry.source_ref.encode()
        self.ref_offsets.append(len(self.refs))
        for date in entry.birth_dates:
            if isinstance(date, PartialDate):
                self.dates.append(date.year * 10000 + (date.month or 0) * 100 + (date.day or 0))
        self.date_offsets.append(len(self.dates))
        for code in entry.nationalities:
            if code not in nationality_ids:
                nationality_ids[code] = len(self.nationality_table)
                self.nationality_table.append(code)
            self.nationalities.append(nationality_ids[code])
        self.nationality_offsets.append(len(self.nationalities))
        self.sexes.append(SEXES.index(entry.sex) if entry.sex in SEXES else 0)
        numbers = tuple(normalise(number) for number, _ in entry.document_numbers)
        if numbers:
            self.documents[position] = numbers

    def _token(self, forms: tuple[Form, ...], parts_seen: dict) -> int:
        found = parts_seen.get(forms)
        if found is not None:
            return found
        text = forms[0].text
        token = self.token_ids.get(text)
        if token is None:
            token = self.token_ids[text] = len(self.vocabulary)
            self.vocabulary.append(text)
        if len(forms) > 1:
            merged = dict.fromkeys(self.other_forms.get(token, forms[:1]) + forms)
            self.other_forms[token] = tuple(merged)
        parts_seen[forms] = token
        return token

    def _index_tokens(self) -> None:
        """Write the sorted key table and the postings of every token."""
        table = []
        for token in range(len(self.vocabulary)):
            for key in {key for form in self._forms(token) for key in keys(form)}:
                table.append(zlib.crc32(key.encode()) << 32 | token)
        table.sort()
        self.key_table = array("Q", table)
        counts = [0] * (len(self.vocabulary) + 1)
        for name in range(len(self.name_entry)):
            start, end = self.name_offsets[name], self.name_offsets[name + 1]
            for token in set(self.name_tokens[start:end]):
                counts[token + 1] += 1
            if end - start == 1:
                self.single.setdefault(self.name_tokens[start], []).append(name)
        for token in range(len(self.vocabulary)):
            counts[token + 1] += counts[token]
        self.posting_offsets = array("I", counts)
        fill = counts[:-1]
        postings = [0] * counts[-1]
        for name in range(len(self.name_entry)):
            start, end = self.name_offsets[name], self.name_offsets[name + 1]
            for token in set(self.name_tokens[start:end]):
                postings[fill[token]] = name
                fill[token] += 1
        self.postings = array("I", postings)

    def _forms(self, token: int) -> tuple[Form, ...]:
        return self.other_forms.get(token) or (Form(self.vocabulary[token], "latin"),)

    def _lookup(self, key: str) -> list[int]:
        low = zlib.crc32(key.encode()) << 32
        table = self.key_table
        position = bisect_left(table, low)
        found = []
        while position < len(table) and table[position] >> 32 == low >> 32:
            found.append(table[position] & 0xFFFFFFFF)
            position += 1
        return found

    def _match(self, forms: tuple[Form, ...], prefix: int) -> dict[int, tuple[float, How]]:
        """Return the vocabulary tokens a traveller's part may be, with their similarity."""
        found: set[int] = set()
        for form in forms:
            for key in keys(form):
                if key[0] != "P" or prefix:
                    found.update(self._lookup(key))
        matches = {}
        for token in found:
            score = similarity(forms, self._forms(token), prefix=prefix)
            if score[0] >= TOKEN_FLOOR:
                matches[token] = score
        return matches

    def _names(self, forms: tuple[Form, ...], prefix: int) -> frozenset[int]:
        names: set[int] = set()
        offsets = self.posting_offsets
        for token in self._matches(forms, prefix):
            names.update(self.postings[offsets[token] : offsets[token + 1]])
        return frozenset(names)

    def search(self, traveller: Traveller, threshold: float = 0.8, limit: int = 20) -> list[Hit]:
        """Return the entries the traveller may be, best first, scoring at least `threshold`."""
        _check(traveller, threshold)
        units, parts, surname = self._units(traveller)
        if not units:
            return []
        candidates = self._candidates(units, parts)
        bound = _most(traveller)
        sets = [
            (self._names_of(unit.forms, unit.prefix), unit.consumes, unit.length)
            for unit in units
            if unit.matches
        ]
        total = sum(unit.length for unit in units if len(unit.consumes) == 1)
        best: dict[int, Hit] = {}
        for name in candidates:
            # The most this name could score, from which parts lead to it: cheap, and most
            # candidates of a traveller with common names stop here.
            covered = {i for names, consumes, _ in sets if name in names for i in consumes}
            missing = sum(u.length for u in units if u.matches and u.consumes[0] not in covered)
            most = 1 - LEFT_OVER * missing / total
            if surname and covered and surname.isdisjoint(covered):
                most *= SURNAME_MISSED
            if most + bound < threshold:
                continue
            start, end = self.name_offsets[name], self.name_offsets[name + 1]
            entry_tokens = self.name_tokens[start:end].tolist()
            texts = [self.vocabulary[token] for token in entry_tokens]
            alignment = align(units, parts, entry_tokens, texts, surname)
            if alignment.score + bound < threshold:
                continue
            hit = self._hit(traveller, name, entry_tokens, alignment, units)
            entry = hit.entry
            if hit.score >= threshold and (entry not in best or hit.score > best[entry].score):
                best[entry] = hit
        return sorted(best.values(), key=lambda hit: (-hit.score, hit.entry))[:limit]

    def _units(self, traveller: Traveller) -> tuple[list[Unit], int, frozenset[int]]:
        surname = tokens(traveller.surname)
        given = tokens(traveller.given_names)
        parts = surname + given
        last = len(parts) - 1 if given else -1
        split_parts = []
        surname_positions = set()
        for position, forms in enumerate(parts):
            prefix = (2 if traveller.name_truncated else 1) if position == last else 0
            if not self._matches(forms, prefix) and len(forms[0].text) >= 6:
                pieces = [(form, 0) for form in self._split(forms[0].text)]
            else:
                pieces = [(forms, prefix)]
            if position < len(surname) and given:
                surname_positions.update(range(len(split_parts), len(split_parts) + len(pieces)))
            split_parts.extend(pieces)
        units = []
        for i, (forms, prefix) in enumerate(split_parts):
            matches = self._matches(forms, prefix)
            units.append(Unit(forms[0].text, (i,), len(forms[0].text), matches, forms, prefix))
        for i in range(len(split_parts) - 1):
            text = split_parts[i][0][0].text + split_parts[i + 1][0][0].text
            forms = (Form(text, "latin"),)
            matches = self._matches(forms, 0)
            if matches:
                compound = {token: (score, "compound") for token, (score, _) in matches.items()}
                units.append(Unit(text, (i, i + 1), len(text), compound, forms))
        return units, len(split_parts), frozenset(surname_positions)

    def _split(self, text: str) -> list[tuple[Form, ...]]:
        """Return a part written as two known parts (GARCIAMARQUEZ), or the part alone."""
        for cut in range(3, len(text) - 2):
            if text[:cut] in self.token_ids and text[cut:] in self.token_ids:
                return [(Form(text[:cut], "latin"),), (Form(text[cut:], "latin"),)]
        return [(Form(text, "latin"),)]

    def _candidates(self, units: list[Unit], parts: int) -> set[int]:
        distinct = {}  # JEAN JEAN: the second JEAN leads to no other name
        for unit in units:
            short_cut = unit.prefix == 2 and unit.length < 4  # ANNA cut to AN leads anywhere
            if len(unit.consumes) == 1 and unit.length > 1 and unit.matches and not short_cut:
                distinct[unit.text] = self._names_of(unit.forms, unit.prefix)
        sets = sorted(distinct.values(), key=len)
        candidates: set[int] = set()
        if len(sets) >= 2:
            pairs = [(first, second) for i, first in enumerate(sets) for second in sets[i + 1 :]]
            pairs.sort(key=lambda pair: len(pair[0]) + len(pair[1]))
            for first, second in pairs:  # the rarest parts first, as long as there is room
                candidates |= first & second
                if len(candidates) > CROWDED:
                    break
        elif sets and (parts == 1 or len(sets[0]) <= SPARSE):
            candidates |= sets[0]
        for unit in units:
            if len(unit.consumes) == 2:
                candidates |= self._names_of(unit.forms, unit.prefix)
            for token in unit.matches:
                candidates.update(self.single.get(token, ()))
        return candidates

    def _hit(self, traveller, name, entry_tokens, alignment: Alignment, units) -> Hit:
        entry = self.name_entry[name]
        checks = [
            evidence.birth_date(traveller.birth_date, self._dates(entry)),
            evidence.nationality(traveller.nationality.upper(), self._nationalities(entry)),
            evidence.sex(traveller.sex.upper(), SEXES[self.sexes[entry]]),
        ]
        number = normalise(traveller.document_number)
        document = evidence.document(number, self.documents.get(entry, ()), canonical)
        if document:
            checks.append(document)
        score = max(0.0, min(1.0, alignment.score + sum(check.effect for check in checks)))
        matched_units = {u for u, _, _, _ in alignment.pairs}
        matched_entry = {j for _, j, _, _ in alignment.pairs}
        consumed = {i for u in matched_units for i in units[u].consumes}
        match = NameMatch(
            entry_name=self.name_text[
                self.name_text_offsets[name] : self.name_text_offsets[name + 1]
            ].decode(),
            name_position=self.name_position[name],
            is_alias=bool(self.name_alias[name]),
            score=round(alignment.score, 4),
            parts=tuple(
                PartMatch(units[u].text, self.vocabulary[entry_tokens[j]], round(s, 4), how)
                for u, j, s, how in sorted(alignment.pairs, key=lambda p: units[p[0]].consumes)
            ),
            traveller_unmatched=tuple(
                unit.text
                for unit in units
                if len(unit.consumes) == 1 and unit.consumes[0] not in consumed
            ),
            entry_unmatched=tuple(
                self.vocabulary[token]
                for j, token in enumerate(entry_tokens)
                if j not in matched_entry
            ),
        )
        ref = self.refs[self.ref_offsets[entry] : self.ref_offsets[entry + 1]].decode()
        return Hit(ref, entry, "name", round(score, 4), Explanation(match, tuple(checks)))

    def _dates(self, entry: int) -> tuple[PartialDate, ...]:
        packed = self.dates[self.date_offsets[entry] : self.date_offsets[entry + 1]]
        return tuple(
            PartialDate(value // 10000, value // 100 % 100 or None, value % 100 or None)
            for value in packed
        )

    def _nationalities(self, entry: int) -> tuple[str, ...]:
        start, end = self.nationality_offsets[entry], self.nationality_offsets[entry + 1]
        return tuple(self.nationality_table[i] for i in self.nationalities[start:end])


def _check(traveller: Traveller, threshold: float) -> None:
    if not isinstance(traveller, Traveller):
        raise TravellerError("not_text", "traveller")
    for field in ("surname", "given_names", "nationality", "sex", "document_number"):
        if not isinstance(getattr(traveller, field), str):
            raise TravellerError("not_text", field)
    date = traveller.birth_date
    if date is not None:
        if not isinstance(date, PartialDate) or not isinstance(date.year, int):
            raise TravellerError("date", "birth_date")
        if not (date.month is None or (isinstance(date.month, int) and 1 <= date.month <= 12)):
            raise TravellerError("date", "birth_date")
        if not (date.day is None or (isinstance(date.day, int) and 1 <= date.day <= 31)):
            raise TravellerError("date", "birth_date")
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise TravellerError("threshold", "threshold")
    if not 0 <= threshold <= 1:
        raise TravellerError("threshold", "threshold")


def _most(traveller: Traveller) -> float:
    """Return the most the traveller's other fields could add to a name's score."""
    most = 0.10 if traveller.birth_date else 0.0
    most += 0.03 if traveller.nationality else 0.0
    most += 0.01 if traveller.sex else 0.0
    return most + (0.20 if traveller.document_number else 0.0)
