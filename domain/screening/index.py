"""The name index: every name and alias of a person list, searchable in a few milliseconds.

Blocking (written here): each distinct name part of the list is a token of a vocabulary; the
token's blocking keys (names.keys: deletion neighbourhood, Metaphone, first four letters,
consonant skeleton) are hashed with CRC-32 into one sorted `array('Q')` of key << 32 | token. A
traveller's part looks its own keys up (sieve.Arrays.look_up); rapidfuzz rates every token found
at C speed, and those that could reach TOKEN_FLOOR are scored once by names.similarity's rules.
Tokens lead to names through postings, names to entries through arrays.

Which names are looked at, cheapest test first:

* postings are filed by the birth date of the name's entry, so a traveller born on 1975-03-12
  reads only the names of entries born that day, in 1975 where the list gives only the year or
  month, on 1975-12-03 or a year off, undated or holding a document number: the others disagree
  on the date, which alone keeps a perfect name under any usual threshold (`_classes`). The
  postings of all the tokens a part may be are read at once, by one sorted key of token and
  date (sieve.Arrays.read), as sorted arrays of names;
* a name is a candidate when it holds tokens of a set of the traveller's parts whose letters
  could score enough (`_enough`: a pair of common given names that leaves the surname unmatched
  does not), or when it has a single part, or holds a compound of two; in a crowd, only if one
  of its parts could pair at the floor (`_paired_well`);
* for all candidates at once, on arrays (sieve.py): the most its entry's birth date,
  nationality and sex can add, exactly, and the most its name could score from the best
  similarity each of its parts has with the traveller's (align.bounding);
* the few names left are aligned (align.py), reusing the token scores already computed: no
  string is compared per name.

Each test is a bound on the score, so among the candidates the hits are those a full scan with
the same scoring would return. A name is a candidate only through the tokens of its parts: an
initial or a truncated part pairs with the names other parts lead to.

Memory: integers in `array`s and one UTF-8 blob for the texts an explanation shows, about 100
bytes a name, and the sieve's key of the postings (8 bytes each, made when the index is built or
loaded); no object per name or entry. Arrays pickle as bytes, so a worker process loads a
pickled index in about a second, and workers forked after loading share it copy-on-write.
"""

import heapq
import zlib
from array import array
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import combinations
from operator import itemgetter
from typing import Final

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel

from domain.screening import evidence, sieve
from domain.screening.align import LEFT_OVER, SURNAME_MISSED, Alignment, Unit, align
from domain.screening.documents import canonical, normalise
from domain.screening.entries import PartialDate, PersonEntry
from domain.screening.errors import EntryError, IndexFormatError, TravellerError
from domain.screening.evidence import (
    DATE_EFFECTS,
    DOCUMENT_EFFECTS,
    NATIONALITY_EFFECTS,
    SEX_EFFECTS,
)
from domain.screening.names import (
    INITIAL,
    PREFIX_TRUNCATED,
    Form,
    How,
    keys,
    metaphone,
    similarity,
    tokens,
)
from domain.screening.values import Explanation, Hit, NameMatch, PartMatch, Traveller

VERSION: Final = 3
Slices = tuple[tuple[int, int], ...]  # ranges (first, last) of packed birth dates
TOKEN_FLOOR: Final = 0.7  # a pair of parts less similar than this does not count at all
SPARSE: Final = 5000  # names one traveller's part may lead to when no second part narrows them
FEW_TOKENS: Final = 24  # tokens found for a part below which each is scored in Python
UNDATED: Final = 0  # postings of entries without a birth date are filed under this date
DOCUMENTED: Final = 1  # and those of entries with a document number under this one too
CROWD: Final = 1000  # candidates of a class past which those paired too weakly are dropped
MANY_PARTS: Final = 8  # parts beyond which every pair of them leads to candidates
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
        self.posting_dates = array("I")  # the birth date each posting is filed under
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
        self._initials = frozenset(t for t, text in enumerate(self.vocabulary) if len(text) == 1)
        self._names_of = lru_cache(maxsize=256)(self._names)
        self._initial_names: np.ndarray | None = None
        self._arrays: sieve.Arrays | None = None  # made once the index is whole, not pickled

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict) -> None:
        if state.get("version") != VERSION:
            raise IndexFormatError("version", "NameIndex")
        self.__dict__.update(state)
        self._caches()
        self._arrays = sieve.Arrays(self)

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
        index._caches()
        index._arrays = sieve.Arrays(index)
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
        # Postings: per token, its names ordered by their entry's birth date (YYYYMMDD, 00 where
        # unknown), UNDATED for an entry without one, and again under DOCUMENTED for an entry
        # with a document number: a traveller's date reads only the slices it may agree with.
        filed_under = [
            sorted(set(self.dates[start:end])) or [UNDATED]
            for start, end in zip(self.date_offsets, self.date_offsets[1:], strict=False)
        ]
        for entry in self.documents:
            filed_under[entry] = [DOCUMENTED, *filed_under[entry]]
        rows = []
        for name in range(len(self.name_entry)):
            start, end = self.name_offsets[name], self.name_offsets[name + 1]
            if end - start == 1:
                self.single.setdefault(self.name_tokens[start], []).append(name)
            for date in filed_under[self.name_entry[name]]:
                for token in set(self.name_tokens[start:end]):
                    rows.append((token << 32 | date) << 32 | name)
        rows.sort()
        counts = [0] * (len(self.vocabulary) + 1)
        for row in rows:
            counts[(row >> 64) + 1] += 1
        for token in range(len(self.vocabulary)):
            counts[token + 1] += counts[token]
        self.posting_offsets = array("I", counts)
        self.postings = array("I", [row & 0xFFFFFFFF for row in rows])
        self.posting_dates = array("I", [row >> 32 & 0xFFFFFFFF for row in rows])

    def _forms(self, token: int) -> tuple[Form, ...]:
        return self.other_forms.get(token) or (Form(self.vocabulary[token], "latin"),)

    def _match(self, forms: tuple[Form, ...], prefix: int) -> dict[int, tuple[float, How]]:
        """Return the vocabulary tokens a traveller's part may be, with their similarity."""
        crcs = [
            zlib.crc32(key.encode())
            for form in forms
            for key in keys(form)
            if key[0] != "P" or prefix
        ]
        found = self._sieve_arrays().look_up(np.array(crcs, dtype=np.uint64))
        matches = {}
        for token in self._worth_scoring(forms, prefix, found):
            score = similarity(forms, self._forms(token), prefix=prefix)
            if score[0] >= TOKEN_FLOOR:
                matches[token] = score
        return matches

    def _worth_scoring(self, forms: tuple[Form, ...], prefix: int, found: np.ndarray) -> list[int]:
        """Return the tokens of `found` that names.similarity could score TOKEN_FLOOR or more.

        Common roots lead to hundreds of tokens (FISCHER, FISCHERA, FISCHERO…) that agree in
        their Metaphone code or consonants but not in their letters. rapidfuzz rates all of them
        at C speed; only those its score leaves a chance are scored by the rules in Python: at
        TOKEN_FLOOR or more, or 0.5 or more and heard alike (names.similarity's phonetic rule),
        or any score where a rule kept here applies (initials, truncation, other forms).
        """
        if len(found) < FEW_TOKENS or any(form.kind == "skeleton" for form in forms):
            return found.tolist()
        if any(len(form.text) == 1 for form in forms):
            return found.tolist()
        arrays = self._sieve_arrays()
        texts = itemgetter(*found.tolist())(self.vocabulary)
        kept = (arrays.lengths[found] == 1) | arrays.other_forms[found]
        for form in forms:
            scores = process.cdist(
                [form.text], texts, scorer=Indel.normalized_similarity, dtype=np.float64
            )[0]
            kept |= scores >= TOKEN_FLOOR
            sound = metaphone(form.text) if form.text.isascii() else ""
            if sound:
                heard = np.flatnonzero((scores >= 0.5) & (scores < TOKEN_FLOOR) & ~kept)
                kept[[i for i in heard.tolist() if metaphone(texts[i]) == sound]] = True
            if prefix:
                kept |= np.isin(found, arrays.starting_with(form.text))
        return found[kept].tolist()

    def _names(
        self,
        forms: tuple[Form, ...],
        prefix: int,
        slices: tuple[Slices, ...] | None,
        floors: tuple[float, ...] | None = None,
    ) -> tuple[np.ndarray, ...]:
        """Return the names (sorted arrays) holding a token the part may be: per class of
        `slices` (`_classes`) those filed under one of its dates, then all of these; or, where
        `slices` is None, every such name, twice. Given `floors` (one a class), only the tokens
        the part is at least that similar to lead to a class's names, and the last of all is
        left out."""
        arrays = self._sieve_arrays()
        matches = self._matches(forms, prefix)
        tokens = np.fromiter(matches, dtype=np.int64, count=len(matches))
        scores = np.fromiter((score for score, _ in matches.values()), float, len(matches))
        per_class = tuple(arrays.read(tokens, slices, scores, floors))
        if floors is not None:
            return per_class
        if slices is None:
            return per_class[0], per_class[0]
        return (*per_class, sieve.distinct(np.concatenate(per_class)))

    def search(self, traveller: Traveller, threshold: float = 0.8, limit: int = 20) -> list[Hit]:
        """Return the entries the traveller may be, best first, scoring at least `threshold`."""
        _check(traveller, threshold)
        units, parts, surname = self._units(traveller)
        if not units:
            return []
        total = sum(unit.length for unit in units if len(unit.consumes) == 1)
        matched = [(u.consumes[0], u.length) for u in units if u.matches and len(u.consumes) == 1]

        def most(covered: set[int]) -> float:
            """The most a name could score on its name, holding tokens of `covered` parts."""
            missing = sum(length for i, length in matched if i not in covered)
            value = 1 - LEFT_OVER * missing / total
            if surname and covered and surname.isdisjoint(covered):
                value *= SURNAME_MISSED
            return value

        classes = _classes(traveller, threshold)
        names = self._candidates(units, parts, classes, most)
        if not len(names):
            return []
        # Every candidate's bounds at once (sieve.py): what its entry's other fields add, and
        # the most its name could score; a name that cannot reach the threshold stops here.
        arrays = self._sieve_arrays()
        entries = arrays.name_entry[names].astype(np.int64)
        extras = sieve.extras(arrays, entries, *self._fields(traveller))
        # A hair over the bound: numpy may add the same numbers in another order.
        bounds = sieve.bounds(arrays, names, units, parts, surname) + 1e-9
        kept = (1 + extras >= threshold) & (bounds + extras >= threshold)
        best: dict[int, Hit] = {}
        # Once `limit` entries are held, a name must beat the last of them: names are read in
        # the order of their entries, which also breaks ties, so one that could only equal it
        # comes too late (unless its entry is held already: an entry's names are neighbours).
        last = -1.0

        def beaten(entry: int, most: float) -> bool:
            most = min(1.0, most)
            return most <= last and (entry not in best or most <= best[entry].score)

        for name, entry, extra, bound in zip(
            names[kept].tolist(),
            entries[kept].tolist(),
            extras[kept].tolist(),
            bounds[kept].tolist(),
            strict=True,
        ):
            if last >= 1.0 and entry not in best:
                break  # JEAN JOSEPH without a birth date: the first `limit` namesakes are found
            if beaten(entry, 1 + extra) or beaten(entry, bound + extra):
                continue
            start, end = self.name_offsets[name], self.name_offsets[name + 1]
            entry_tokens = self.name_tokens[start:end].tolist()
            texts = [self.vocabulary[token] for token in entry_tokens]
            alignment = align(units, parts, entry_tokens, texts, surname)
            if alignment.score + extra < threshold or beaten(entry, alignment.score + extra):
                continue
            hit = self._hit(traveller, name, entry_tokens, alignment, units)
            if hit.score >= threshold and (entry not in best or hit.score > best[entry].score):
                best[entry] = hit
                if len(best) >= limit:
                    last = heapq.nlargest(limit, [held.score for held in best.values()])[-1]
        return sorted(best.values(), key=lambda hit: (-hit.score, hit.entry))[:limit]

    def _fields(self, traveller: Traveller) -> tuple[int, int | None, int, bool]:
        """Return the traveller's fields other than the name as sieve.extras takes them."""
        date = evidence.pack(traveller.birth_date) if traveller.birth_date else 0
        nationality = traveller.nationality.upper()
        nationality_id = None
        if nationality:
            table = self.nationality_table
            nationality_id = table.index(nationality) if nationality in table else -1
        sex = SEXES.index(traveller.sex.upper()) if traveller.sex.upper() in ("M", "F") else 0
        return date, nationality_id, sex, bool(normalise(traveller.document_number))

    def _sieve_arrays(self) -> sieve.Arrays:
        if self._arrays is None:
            self._arrays = sieve.Arrays(self)
        return self._arrays

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

    def _candidates(
        self,
        units: list[Unit],
        parts: int,
        classes: list[tuple[Slices | None, float]],
        most: Callable[[set[int]], float],
    ) -> np.ndarray:
        """Return the names that may score enough (see `most`), sorted.

        `classes` are the slices of birth dates the names are read from, each with the least
        the name alone must score there (`_classes`). A name is looked at when it holds tokens
        of a set of the traveller's parts that could reach that floor, so pairs of common parts
        (MUHAMMAD MOHAMMED) that leave the surname unmatched lead nowhere; or when it is a
        single part, or a compound, or the only lead.
        """
        # Parts that lead nowhere by themselves (initials, short truncations) may still pair.
        leading = []
        for unit in units:
            short_cut = unit.prefix == 2 and unit.length < 4  # ANNA cut to AN leads anywhere
            if len(unit.consumes) == 1 and unit.length > 1 and unit.matches and not short_cut:
                leading.append(unit)
        free = {
            unit.consumes[0]
            for unit in units
            if len(unit.consumes) == 1
            and ((unit.matches and unit not in leading) or unit.length == 1 or unit.prefix)
        }
        found: list[np.ndarray] = []
        slices = _slices_of(classes)
        floors = tuple(floor for _, floor in classes)
        for position, floor in enumerate(floors):
            blocks: dict[str, tuple[np.ndarray, set[int]]] = {}  # JEAN JEAN: one JEAN leads
            for unit in leading:
                names = self._names_of(unit.forms, unit.prefix, slices)[position]
                blocks.setdefault(unit.text, (names, set()))[1].update(unit.consumes)
            ordered = sorted(blocks.values(), key=lambda block: len(block[0]))
            held: list[np.ndarray] = []
            if len(ordered) >= 2:
                for combination in _enough(ordered, free, most, floor):
                    names = ordered[combination[0]][0]
                    for i in combination[1:]:
                        names = np.intersect1d(names, ordered[i][0], assume_unique=True)
                    held.append(names)
            elif ordered and (parts == 1 or len(ordered[0][0]) <= SPARSE):
                held.append(ordered[0][0])
            if held:
                names = held[0] if len(held) == 1 else sieve.distinct(np.concatenate(held))
                found.append(self._paired_well(units, names, slices, floors, position))
        for unit in units:
            if len(unit.consumes) == 2:
                found.append(self._names_of(unit.forms, unit.prefix, slices)[-1])
            singles = [self.single[token] for token in unit.matches if token in self.single]
            if singles:
                found.append(np.concatenate(singles).astype(np.int64))
        if not found:
            return np.zeros(0, dtype=np.int64)
        return sieve.distinct(np.concatenate(found))

    def _paired_well(
        self,
        units: list[Unit],
        names: np.ndarray,
        slices: tuple[Slices, ...] | None,
        floors: tuple[float, ...],
        position: int,
    ) -> np.ndarray:
        """Return the names of a class that pair some part of the traveller's at its floor.

        A name's score is a mean of its pairs' similarities, lessened by what is left over: it
        reaches the floor only if one pair does. A pair is a token the part matches (`_names`
        with floors), an initial (INITIAL) or a short part the zone cut (PREFIX_TRUNCATED):
        where these could reach the floor, names holding initials, or all, are kept. So WANG
        FANG without a birth date does not lead to every TANG YANG of the list.
        """
        floor = floors[position]
        cut_short = any(u.prefix == 2 and u.length < 4 for u in units if len(u.consumes) == 1)
        if len(names) < CROWD or (cut_short and floor <= PREFIX_TRUNCATED):
            return names
        if floor <= INITIAL and any(unit.length == 1 for unit in units):
            return names
        strong = [
            self._names_of(unit.forms, unit.prefix, slices, floors)[position]
            for unit in units
            if unit.matches
        ]
        if floor <= INITIAL:
            strong.append(self._with_initials())
        if not strong:
            return names[:0]
        return np.intersect1d(names, sieve.distinct(np.concatenate(strong)), assume_unique=True)

    def _with_initials(self) -> np.ndarray:
        """Return the names holding an initial (J for JOHN), read from the postings once."""
        if self._initial_names is None:
            initials = np.fromiter(self._initials, dtype=np.int64, count=len(self._initials))
            self._initial_names = self._sieve_arrays().read(initials, None)[0]
        return self._initial_names

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


def _classes(traveller: Traveller, threshold: float) -> list[tuple[Slices | None, float]]:
    """Return where to read names from: slices of the postings' birth dates, each with the least
    a name must score on its name alone there to reach `threshold`.

    An entry whose birth date disagrees with the traveller's loses DATE_EFFECTS["mismatch"];
    when that alone keeps even a perfect name under the threshold, its names need not be read:
    only the slices of dates that agree (`_date_slices`), of undated entries and, when the
    traveller's document number could add to the score, of entries holding document numbers.
    Otherwise (no date, a low threshold) every name is read: one class, slices None.
    """
    fields = NATIONALITY_EFFECTS["match"] if traveller.nationality else 0.0
    fields += SEX_EFFECTS["match"] if traveller.sex else 0.0
    date = traveller.birth_date
    if date is None or 1 + DATE_EFFECTS["mismatch"] + fields >= threshold:
        return [(None, threshold - _best_others(traveller))]
    classes: list[tuple[Slices | None, float]] = [
        (tuple(slices), threshold - DATE_EFFECTS[outcome] - fields)
        for outcome, slices in _date_slices(evidence.pack(date)).items()
    ]
    classes.append((((UNDATED, UNDATED),), threshold - DATE_EFFECTS["unknown"] - fields))
    if traveller.document_number:
        classes.append((((DOCUMENTED, DOCUMENTED),), threshold - _best_others(traveller)))
    return classes


def _slices_of(classes: list[tuple[Slices | None, float]]) -> tuple[Slices, ...] | None:
    """Return the slices of each class, or None when the one class reads every name."""
    if classes[0][0] is None:
        return None
    return tuple(slices for slices, _ in classes)


def _date_slices(date: int) -> dict[str, list[tuple[int, int]]]:
    """Return the packed birth dates (ranges first, last) that agree with a traveller's `date`,
    by how they agree: every other date is a mismatch (evidence.date_outcome)."""
    year, month, day = date // 10000 * 10000, date // 100 % 100, date % 100
    found = {"near": [(date - 10000, date - 10000), (date + 10000, date + 10000)]}
    if not month:
        found["partial"] = [(year, year + 9999)]
        return found
    month_start = year + month * 100
    found["partial"] = [(year, year + 99), (month_start, month_start + (0 if day else 99))]
    if day:
        found["match"] = [(date, date)]
        if day <= 12 and day != month:
            found["swapped"] = [(year + day * 100 + month,) * 2]
    return found


def _best_others(traveller: Traveller) -> float:
    """Return the most the traveller's fields other than the name could add to a score."""
    best = DATE_EFFECTS["match"] if traveller.birth_date else 0.0
    best += NATIONALITY_EFFECTS["match"] if traveller.nationality else 0.0
    best += SEX_EFFECTS["match"] if traveller.sex else 0.0
    return best + (DOCUMENT_EFFECTS["match"] if traveller.document_number else 0.0)


def _enough(blocks, free: set[int], most, floor: float) -> list[tuple[int, ...]]:
    """Return the smallest sets of blocks (two or more) whose parts could reach `floor`.

    `blocks` are (names, positions) of the traveller's parts, rarest first; `free` the
    positions that may match without leading to names. A name holding a set's tokens is a
    candidate; one holding the tokens of no such set cannot score enough.
    """
    if len(blocks) > MANY_PARTS:  # a list's own text pasted as a name: every pair
        return list(combinations(range(len(blocks)), 2))
    found: list[tuple[int, ...]] = []
    for size in range(2, len(blocks) + 1):
        for combination in combinations(range(len(blocks)), size):
            if any(set(smaller) <= set(combination) for smaller in found):
                continue
            covered = free.union(*(blocks[i][1] for i in combination))
            if most(covered) >= floor:
                found.append(combination)
    return found
