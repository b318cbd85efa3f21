"""The index's hot loops on arrays (numpy): blocking keys, postings and every candidate's bounds.

A search used to do these a key, a posting range or a name at a time in Python, which was most
of the time of the slowest searches: a part never seen before looks up a dozen blocking keys,
common name parts (WANG FANG, ALI AHMED) lead to thousands of postings and a thousand candidate
names, and each candidate was weighed against the threshold twice before any was aligned. Here
`Arrays` views the index's own arrays (no copy) and adds a sorted key of every posting's token
and birth date, so that:

* `look_up` finds the tokens of all of a part's blocking keys in one binary search;
* `read` finds the names of all the tokens a part may be, filed under the dates a class of
  birth dates reads (index._classes), in one search too;
* `extras` gives, per candidate, what its entry's birth date, nationality and sex add to a
  score, as evidence.py's effects added in the same order; and `bounds` the most its name could
  score, rule for rule as align.bounding (the tests hold each against its plain version).

numpy rather than code of our own in C: the loops are plain array operations, numpy is on every
platform as a wheel, and a search stays in one process with no build step at install.
"""

from array import array
from bisect import bisect_left, bisect_right
from typing import Final

import numpy as np

from domain.screening.align import LEFT_OVER, SINGLE_PART, SURNAME_MISSED, Unit
from domain.screening.evidence import (
    DATE_EFFECTS,
    DOCUMENT_EFFECTS,
    NATIONALITY_EFFECTS,
    SEX_EFFECTS,
)
from domain.screening.names import INITIAL, PREFIX, PREFIX_TRUNCATED

FEW_POSTINGS: Final = 64  # a token's postings up to which their dates are compared, not searched
# The date outcomes in the order np.select tries them (evidence.date_outcome).
_MATCH, _PARTIAL, _SWAPPED, _NEAR, _MISMATCH = range(5)
_DATE_EFFECT: Final = np.array(
    [DATE_EFFECTS[o] for o in ("match", "partial", "swapped", "near", "mismatch")]
)


class Arrays:
    """Views of a NameIndex's arrays, and what the sieve needs of its vocabulary."""

    def __init__(self, index) -> None:
        self.name_entry = _view(index.name_entry)
        self.name_offsets = _view(index.name_offsets).astype(np.int64)
        self.name_tokens = _view(index.name_tokens)
        self.date_offsets = _view(index.date_offsets).astype(np.int64)
        self.dates = _view(index.dates).astype(np.int64)
        self.nationality_offsets = _view(index.nationality_offsets).astype(np.int64)
        self.nationalities = _view(index.nationalities)
        self.sexes = np.frombuffer(bytes(index.sexes), dtype=np.uint8)
        self.documented = np.zeros(len(index.sexes), dtype=bool)
        self.documented[list(index.documents)] = True
        vocabulary = index.vocabulary
        self.lengths = np.fromiter(map(len, vocabulary), dtype=np.float64, count=len(vocabulary))
        self.first = np.fromiter(
            (ord(text[0]) for text in vocabulary), dtype=np.int64, count=len(vocabulary)
        )
        # Postings sorted by token, then birth date, then name: one key (token << 32 | date)
        # finds the postings of many tokens under a range of dates in one search.
        self.postings = _view(index.postings)
        offsets = _view(index.posting_offsets).astype(np.int64)
        self.posting_offsets = offsets
        tokens = np.repeat(np.arange(len(vocabulary), dtype=np.uint64), np.diff(offsets))
        self.posting_dates = _view(index.posting_dates)
        self.filed = tokens << np.uint64(32) | self.posting_dates.astype(np.uint64)
        self.key_table = _view(index.key_table)
        self.other_forms = np.zeros(len(vocabulary), dtype=bool)
        self.other_forms[list(index.other_forms)] = True
        order = sorted(range(len(vocabulary)), key=vocabulary.__getitem__)
        self.by_text = np.array(order, dtype=np.int64)  # token ids in the order of their letters
        self.sorted_texts = [vocabulary[token] for token in order]

    def read(self, tokens: np.ndarray, slices, scores=None, floors=None) -> list[np.ndarray]:
        """Return, per class of `slices` (each a tuple of (first, last) packed dates), the names
        (sorted, once each) of the postings of `tokens` filed under one of its dates; where
        `slices` is None, one class of every posting. Given `floors` (one a class), a class
        reads only the tokens whose `scores` reach its floor.

        The postings of a token with few are all read and their dates compared; those of a
        token with many are found by binary search, from where the search for the token before
        ended (the tokens are sorted).
        """
        offsets = self.posting_offsets
        classes = range(1 if slices is None else len(slices))
        order = np.argsort(tokens)
        tokens = tokens[order]
        counts = offsets[tokens + 1] - offsets[tokens]
        wanted = [np.ones(len(tokens), dtype=bool)] * len(classes)
        if floors is not None:
            wanted = [scores[order] >= floors[c] for c in classes]
        if slices is None:
            rows = _ranges(offsets[tokens[wanted[0]]], offsets[tokens[wanted[0]] + 1])
            return [distinct(self.postings[rows].astype(np.int64))]
        few = np.flatnonzero(counts <= FEW_POSTINGS)
        rows = _ranges(offsets[tokens[few]], offsets[tokens[few] + 1])
        of_row = np.repeat(few, counts[few])  # the token of each row, by its place in `tokens`
        dates, names = self.posting_dates[rows], self.postings[rows]
        many = np.flatnonzero(counts > FEW_POSTINGS)
        ranges = [(c, first, last) for c in classes for first, last in slices[c]]
        of_range = np.array([c for c, _, _ in ranges])
        keys = (tokens[many].astype(np.uint64) << np.uint64(32))[:, None]
        firsts = keys | np.array([first for _, first, _ in ranges], dtype=np.uint64)
        lasts = keys | np.array([last for _, _, last in ranges], dtype=np.uint64)
        lows = np.searchsorted(self.filed, firsts.ravel())
        highs = np.searchsorted(self.filed, lasts.ravel(), side="right")
        range_class = np.tile(of_range, len(many))
        range_token = np.repeat(many, len(ranges))
        found = []
        for c in classes:
            agree = np.zeros(len(rows), dtype=bool)
            for first, last in slices[c]:
                agree |= (dates >= first) & (dates <= last)
            read = (range_class == c) & wanted[c][range_token]
            searched = self.postings[_ranges(lows[read], highs[read])]
            kept = names[agree & wanted[c][of_row]]
            found.append(distinct(np.concatenate([kept, searched]).astype(np.int64)))
        return found

    def look_up(self, keys: np.ndarray) -> np.ndarray:
        """Return the tokens (sorted, once each) filed under any of the blocking `keys` (their
        CRC-32), from the index's key table of key << 32 | token."""
        high = np.uint64(32)
        lows = np.searchsorted(self.key_table, keys << high)
        highs = np.searchsorted(self.key_table, keys << high | np.uint64(0xFFFFFFFF), "right")
        found = self.key_table[_ranges(lows, highs)] & np.uint64(0xFFFFFFFF)
        return distinct(found.astype(np.int64))

    def starting_with(self, text: str) -> np.ndarray:
        """Return the tokens whose letters begin with `text` and go on, sorted."""
        low = bisect_left(self.sorted_texts, text)
        high = bisect_right(self.sorted_texts, text + "\U0010ffff", low)
        found = self.by_text[low:high]
        return np.sort(found[self.lengths[found] > len(text)])


def extras(
    arrays: Arrays,
    entries: np.ndarray,
    date: int,
    nationality: int | None,
    sex: int,
    number: bool,
) -> np.ndarray:
    """Return, per entry, the most its birth date, nationality and sex add to a name's score
    (NameIndex._others): `date` packed (0 for none), `nationality` the traveller's id in the
    index's table (-1 for one it does not hold, None for none), `sex` 1 or 2 (0 for none)."""
    total = np.zeros(len(entries))
    if date:
        starts, counts, rows = _gather(arrays.date_offsets, entries)
        outcome = _outcomes(date, arrays.dates[rows])
        dated = counts > 0
        best = np.full(len(entries), DATE_EFFECTS["unknown"])
        if rows.size:
            effects = _DATE_EFFECT[outcome]
            best[dated] = np.maximum.reduceat(effects, starts[dated])
        total += best
    if nationality is not None:
        starts, counts, rows = _gather(arrays.nationality_offsets, entries)
        held = counts > 0
        if rows.size:
            agree = np.zeros(int(held.sum()), dtype=bool)
            if nationality >= 0:
                listed = (arrays.nationalities[rows] == nationality).astype(np.int8)
                agree = np.maximum.reduceat(listed, starts[held]).astype(bool)
            effect = np.where(agree, NATIONALITY_EFFECTS["match"], NATIONALITY_EFFECTS["mismatch"])
            total[held] += effect
    if sex:
        listed = arrays.sexes[entries]
        total += np.where(
            listed == 0, 0.0, np.where(listed == sex, SEX_EFFECTS["match"], SEX_EFFECTS["mismatch"])
        )
    if number:
        total += np.where(arrays.documented[entries], DOCUMENT_EFFECTS["match"], 0.0)
    return total


def bounds(
    arrays: Arrays,
    names: np.ndarray,
    units: list[Unit],
    parts: int,
    surname: frozenset[int],
) -> np.ndarray:
    """Return, per name, align.bounding's bound of its alignment with the traveller's units."""
    starts, counts, rows = _gather(arrays.name_offsets, names)
    tokens = arrays.name_tokens[rows].astype(np.int64)
    lengths = arrays.lengths[tokens]
    first = arrays.first[tokens]
    initial = lengths == 1
    singles = [(unit.consumes[0], unit.length) for unit in units if len(unit.consumes) == 1]
    letters = float(sum(length for _, length in singles))
    best = np.zeros((parts, len(names)))
    top = np.zeros(len(tokens))
    for unit in units:
        scores = _matched(unit, tokens)
        # The rules `align` applies where no token leads, counted wherever they could.
        alike = first == ord(unit.text[0])
        if unit.length > 1:
            alike &= initial
        scores = np.where(alike, np.maximum(scores, INITIAL), scores)
        if unit.prefix and (unit.prefix == 2 or unit.length >= 4):
            cut = np.isin(tokens, arrays.starting_with(unit.text)) & ~alike
            score = PREFIX_TRUNCATED if unit.prefix == 2 else PREFIX
            scores = np.where(cut, np.maximum(scores, score), scores)
        np.maximum(top, scores, out=top)
        per_name = np.maximum.reduceat(scores, starts)
        for i in unit.consumes:
            np.maximum(best[i], per_name, out=best[i])
    entry_letters = np.add.reduceat(lengths, starts)
    both = letters + entry_letters
    paired = lengths * (1 - top) / np.repeat(both, counts)
    left = LEFT_OVER * lengths / np.repeat(entry_letters, counts)
    cost = np.add.reduceat(np.minimum(paired, left), starts)
    for i, length in singles:
        cost += np.minimum(length * (1 - best[i]) / both, LEFT_OVER * length / letters)
    found = best > 0
    score = (1 - cost / 2) ** 2
    alone = (found.sum(axis=0) == 1) & (np.maximum(parts, counts) > 1)
    score = np.where(alone, score * SINGLE_PART, score)
    if surname:
        missed = ~found[sorted(surname)].any(axis=0)
        score = np.where(missed, score * SURNAME_MISSED, score)
    return np.where(found.any(axis=0), np.minimum(1.0, score), 0.0)


def distinct(values: np.ndarray) -> np.ndarray:
    """Return `values` sorted, each once (np.unique, without its overhead on small arrays)."""
    values = np.sort(values, kind="stable")  # timsort: merges the sorted runs it is given
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _matched(unit: Unit, tokens: np.ndarray) -> np.ndarray:
    """Return the unit's similarity to each token (0 where the token does not match it)."""
    if not unit.matches:
        return np.zeros(len(tokens))
    keys = np.fromiter(unit.matches, dtype=np.int64, count=len(unit.matches))
    values = np.fromiter(
        (score for score, _ in unit.matches.values()), dtype=np.float64, count=len(keys)
    )
    order = np.argsort(keys)
    keys, values = keys[order], values[order]
    at = np.minimum(np.searchsorted(keys, tokens), len(keys) - 1)
    return np.where(keys[at] == tokens, values[at], 0.0)


def _outcomes(date: int, listed: np.ndarray) -> np.ndarray:
    """Return evidence.date_outcome(date, each of `listed`) as _MATCH… codes."""
    year_a, month_a, day_a = date // 10000, date // 100 % 100, date % 100
    year_b, month_b, day_b = listed // 10000, listed // 100 % 100, listed % 100
    same_year = year_b == year_a
    either_month_unknown = (month_a == 0) | (month_b == 0)
    same_month = month_b == month_a
    return np.select(
        [
            (listed == date) & (day_a != 0),
            same_year & either_month_unknown,
            same_year & same_month & ((day_a == 0) | (day_b == 0)),
            same_year & same_month,
            same_year & (day_a != 0) & (month_a == day_b) & (day_a == month_b),
            same_year,
            (np.abs(year_b - year_a) == 1) & same_month & (day_b == day_a),
        ],
        [_MATCH, _PARTIAL, _PARTIAL, _MISMATCH, _SWAPPED, _MISMATCH, _NEAR],
        _MISMATCH,
    )


def _ranges(lows: np.ndarray, highs: np.ndarray) -> np.ndarray:
    """Return the numbers from each of `lows` up to its `highs`, one range after the other."""
    counts = highs - lows
    starts = np.cumsum(counts) - counts
    return np.repeat(lows - starts, counts) + np.arange(int(counts.sum()))


def _gather(offsets: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return, for the ragged rows of `items` (offsets[i] to offsets[i + 1]), where each item's
    rows start in the gathered list, how many it has, and the gathered row numbers."""
    first, last = offsets[items], offsets[items + 1]
    counts = last - first
    starts = np.cumsum(counts) - counts
    rows = np.repeat(first - starts, counts) + np.arange(int(counts.sum()))
    return starts, counts, rows


def _view(values: array) -> np.ndarray:
    """Return a read-only view of an `array` of unsigned integers, without copying it."""
    kind = {"I": np.uint32, "H": np.uint16, "Q": np.uint64}[values.typecode]
    if not len(values):
        return np.zeros(0, dtype=kind)
    view = np.frombuffer(values, dtype=kind)
    view.flags.writeable = False
    return view
