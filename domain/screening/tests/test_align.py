"""The bound the index skips names with never falls under the alignment's score."""

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.screening import Name, PersonEntry
from domain.screening.align import align, bounding
from domain.screening.index import NameIndex
from domain.screening.names import tokens
from domain.screening.values import Traveller

PARTS = ["WANG", "FANG", "FENG", "TANG", "W", "F", "MARIA", "MARIANNE", "MAR", "JEAN", "JEANNE",
         "ABDUL", "RAHMAN", "ABDULRAHMAN", "MULLER", "MUELLER", "KHAN", "XI"]  # fmt: skip
# Known name parts, and made-up ones from few letters: typos, initials and prefixes of each other.
part = st.sampled_from(PARTS) | st.text(alphabet="AEMNR", min_size=1, max_size=7)


@settings(max_examples=1500, deadline=None)
@given(
    entry=st.lists(part, min_size=1, max_size=4),
    surname=st.lists(part, min_size=1, max_size=2),
    given_names=st.lists(part, max_size=3),
    truncated=st.booleans(),
)
def test_the_bound_is_at_least_the_score(entry, surname, given_names, truncated):
    index = NameIndex.build([PersonEntry("E", (Name(" ".join(entry)),))])
    traveller = Traveller(" ".join(surname), " ".join(given_names), name_truncated=truncated)
    units, parts, surname_positions = index._units(traveller)
    entry_tokens = [index.token_ids[forms[0].text] for forms in tokens(" ".join(entry))]
    texts = [index.vocabulary[token] for token in entry_tokens]
    most = bounding(units, parts, surname_positions)(entry_tokens, texts)
    score = align(units, parts, entry_tokens, texts, surname_positions).score
    assert most >= score - 1e-12


def test_the_bound_stops_a_name_one_part_weaker_or_one_part_longer():
    index = NameIndex.build(
        [PersonEntry("E", (Name("WANG FANG"), Name("WANG FENG"), Name("WANG FANG MING")))]
    )
    units, parts, surname_positions = index._units(Traveller("WANG", "FANG"))
    most = bounding(units, parts, surname_positions)
    for text in ("WANG FENG", "WANG FANG MING"):
        entry_tokens = [index.token_ids[forms[0].text] for forms in tokens(text)]
        texts = [index.vocabulary[token] for token in entry_tokens]
        assert most(entry_tokens, texts) < 0.94, text
