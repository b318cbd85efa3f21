"""The score of one name of an entry against the traveller's name, from token similarities.

The traveller's parts (and pairs of neighbouring parts, for compound names written as one) are
paired one to one with the entry's parts, the most similar pair first, in any order: a name
written surname first meets the same name written given names first. The score is the mean
similarity of the pairs, weighted by their length in letters, less a quarter of the share of
letters left without a partner on each side (a missing, extra or different middle name costs
0.05 to 0.15). A match on one part alone, where either name has more, counts for less
(SINGLE_PART), and so does one where the traveller's surname found no partner
(SURNAME_MISSED). Written here: rapidfuzz compares strings, not sets of name parts with these rules.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from domain.screening.names import INITIAL, PREFIX, PREFIX_TRUNCATED, Form, How

SINGLE_PART: Final = 0.8  # one part matched, where a name has more
SURNAME_MISSED: Final = 0.9  # no part of the traveller's surname found a partner
LEFT_OVER: Final = 0.25  # the cost of the share of a name's letters that found no partner


@dataclass(frozen=True)
class Unit:
    """A part of the traveller's name (or two neighbouring parts read as one)."""

    text: str
    consumes: tuple[int, ...]  # positions in the traveller's parts
    length: int  # letters
    matches: dict[int, tuple[float, How]]  # vocabulary token → similarity, rule
    forms: tuple[Form, ...] = ()
    prefix: int = 0  # see names.similarity


@dataclass(frozen=True)
class Alignment:
    score: float
    pairs: tuple[tuple[int, int, float, How], ...]  # unit, entry position, similarity, rule


def align(
    units: list[Unit], parts: int, entry: list[int], texts: list[str], surname: frozenset[int]
) -> Alignment:
    """Return the best pairing of the traveller's units with an entry name's tokens.

    `parts` is the number of parts in the traveller's name; `entry` the name's vocabulary
    tokens and `texts` their letters; `surname` the positions of the traveller's surname parts,
    of which one at least must find a partner, or the score counts for less. Initials and
    truncated parts meet their names here: blocking keys cannot lead from J to every name that
    begins with J.
    """
    lengths = [len(text) for text in texts]
    candidates = []
    for u, unit in enumerate(units):
        matches = unit.matches
        for j, token in enumerate(entry):
            found = matches.get(token)
            if found is not None:
                candidates.append((found[0], unit.length + lengths[j], u, j, found[1]))
            elif (unit.length == 1 or lengths[j] == 1) and unit.text[0] == texts[j][0]:
                candidates.append((INITIAL, unit.length + lengths[j], u, j, "initial"))
            elif _cut_short(unit, texts[j]):
                score = PREFIX_TRUNCATED if unit.prefix == 2 else PREFIX
                candidates.append((score, unit.length + lengths[j], u, j, "prefix"))
    if not candidates:
        return Alignment(0.0, ())
    candidates.sort(reverse=True)
    used_traveller: set[int] = set()
    used_entry: set[int] = set()
    pairs = []
    weighted = weights = traveller_letters = entry_letters = 0.0
    for similarity, weight, u, j, how in candidates:
        consumes = units[u].consumes
        if j in used_entry or not used_traveller.isdisjoint(consumes):
            continue
        used_entry.add(j)
        used_traveller.update(consumes)
        pairs.append((u, j, similarity, how))
        weighted += similarity * weight
        weights += weight
        traveller_letters += units[u].length
        entry_letters += lengths[j]
    traveller_total = sum(unit.length for unit in units if len(unit.consumes) == 1)
    left_over = max(0.0, 1 - traveller_letters / traveller_total)
    left_over += 1 - entry_letters / sum(lengths)
    score = weighted / weights * (1 - LEFT_OVER * left_over)
    if len(used_traveller) == 1 and max(parts, len(entry)) > 1:
        score *= SINGLE_PART
    if surname and used_traveller.isdisjoint(surname):
        score *= SURNAME_MISSED
    return Alignment(min(1.0, score), tuple(pairs))


def bounding(
    units: list[Unit], parts: int, surname: frozenset[int]
) -> Callable[[list[int], list[str]], float]:
    """Return a function of an entry name's tokens and texts giving at least what `align` would
    score them, at a fraction of its cost: a bound to skip names with.

    Each part, the traveller's or the entry's, is either paired, costing the mean its letters
    times (1 - the similarity) over the pairs' letters, or left over, costing LEFT_OVER times
    its share of its side's letters. Whichever it is, it costs at least the less of the two,
    taken at the best similarity it has with any part of the other side, over all the letters of
    both sides. With a mean short by `a` and a share `b` left over, the score (1 - a)(1 - b)
    is at most (1 - m/2)² where m, the sum of those least costs, is at most a + b.

    The index computes the same bound on arrays, for all its candidates at once (sieve.bounds);
    this is its plain statement, which the tests hold against `align` and against the sieve.
    """
    singles = [(unit.consumes[0], unit.length) for unit in units if len(unit.consumes) == 1]
    letters = sum(length for _, length in singles)
    matching = [(unit.matches, unit.consumes) for unit in units if unit.matches]
    loose = [unit for unit in units if unit.length == 1 or unit.prefix]

    def most(entry: list[int], texts: list[str]) -> float:
        entry_letters = sum(map(len, texts))
        both = letters + entry_letters
        best = [0.0] * parts  # per position of the traveller's parts
        cost = 0.0
        for token, text in zip(entry, texts, strict=True):
            top = 0.0
            for matches, consumes in matching:
                found = matches.get(token)
                if found is not None:
                    score = found[0]
                    top = score if score > top else top
                    for i in consumes:
                        if score > best[i]:
                            best[i] = score
            # The rules `align` applies where no token leads, counted wherever they could.
            for unit in units if len(text) == 1 else loose:
                if (unit.length == 1 or len(text) == 1) and unit.text[0] == text[0]:
                    score = INITIAL
                elif _cut_short(unit, text):
                    score = PREFIX_TRUNCATED if unit.prefix == 2 else PREFIX
                else:
                    continue
                top = score if score > top else top
                for i in unit.consumes:
                    if score > best[i]:
                        best[i] = score
            paired, left = len(text) * (1 - top) / both, LEFT_OVER * len(text) / entry_letters
            cost += paired if paired < left else left
        for i, length in singles:
            paired, left = length * (1 - best[i]) / both, LEFT_OVER * length / letters
            cost += paired if paired < left else left
        found = {i for i, value in enumerate(best) if value}
        if not found:
            return 0.0
        score = (1 - cost / 2) ** 2
        if len(found) == 1 and max(parts, len(entry)) > 1:
            score *= SINGLE_PART
        if surname and found.isdisjoint(surname):
            score *= SURNAME_MISSED
        return min(1.0, score)

    return most


def _cut_short(unit: Unit, text: str) -> bool:
    """Return whether the unit may be `text` truncated (see names.similarity)."""
    if not unit.prefix or unit.length >= len(text) or not text.startswith(unit.text):
        return False
    return unit.prefix == 2 or unit.length >= 4
