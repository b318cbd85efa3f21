"""What the counter shows for a document before the officer decides.

`inspect` finds the traveller the document belongs to (by its number and issuing state), or the
travellers it may belong to (same names, date of birth and nationality, another document: a new
passport), their history and where they are now, the stay the rules would permit, and runs the
check pipeline (checks.py). It only reads.
"""

from dataclasses import dataclass, field
from datetime import date

from bmis.crossings import checks, identity
from bmis.crossings.models import Crossing, Person, TravelDocument
from bmis.crossings.reading import Reading
from bmis.crossings.stays import RuleChoice, choose_rule
from domain.mrz import transliterate
from domain.mrz.errors import MrzBuildError

HISTORY = 10  # crossings shown at the counter; the profile has them all


def name_key(surname: str, given_names: str) -> str:
    """Return the form of a name that search and matching compare: MRZ letters, spaces."""
    text = f"{surname} {given_names}".strip()
    try:
        text = transliterate(text)
    except MrzBuildError:
        text = text.upper()
    return " ".join(text.replace("<", " ").split())


@dataclass
class Inspection:
    reading: Reading
    direction: str
    today: date
    person: Person | None = None
    document: TravelDocument | None = None
    candidates: list[Person] = field(default_factory=list)
    history: list[Crossing] = field(default_factory=list)
    results: list[checks.Check] = field(default_factory=list)
    rule: RuleChoice | None = None

    @property
    def age(self) -> int | None:
        birth = self.reading.birth_date
        return checks.age_on(birth, self.today) if birth else None

    @property
    def minor(self) -> bool:
        return self.age is not None and self.age < checks.ADULT_AGE

    @property
    def blocking(self) -> bool:
        return any(result.blocking for result in self.results)


def find_document(reading: Reading) -> TravelDocument | None:
    """Return the document on record with this number and issuing state, the latest first."""
    if not reading.number:
        return None
    return (
        TravelDocument.objects.filter(number=reading.number, issuing_state=reading.issuing_state)
        .select_related("person")
        .order_by("-created_at")
        .first()
    )


def find_candidates(reading: Reading, exclude: Person | None = None) -> list[Person]:
    """Return the travellers on record with the same names, date of birth and nationality."""
    if reading.birth_date is None or not reading.surname:
        return []
    people = Person.objects.unmerged().filter(
        name_key=name_key(reading.surname, reading.given_names),
        birth_date=reading.birth_date,
        nationality=reading.nationality,
    )
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return list(people.order_by("-created_at")[:5])


def inspect(
    reading: Reading,
    *,
    direction: str,
    today: date,
    residence: str = "",
    person: Person | None = None,
) -> Inspection:
    """Return everything the counter shows for `reading`.

    `person` is a known traveller the officer confirmed this new document belongs to; it is taken
    only if it is one of the candidates.
    """
    inspection = Inspection(reading=reading, direction=direction, today=today)
    inspection.document = find_document(reading)
    if inspection.document is not None:
        inspection.person = identity.canonical(inspection.document.person)
    else:
        inspection.candidates = find_candidates(reading)
        if person is not None and person in inspection.candidates:
            inspection.person = person  # the officer confirmed a new document of a known traveller
    if inspection.person is not None:
        inspection.history = list(
            identity.crossings_of(inspection.person)
            .select_related("post", "counter", "refusal_reason")
            .order_by("-at")[:HISTORY]
        )
    if direction == "entry":
        inspection.rule = choose_rule(
            nationality=reading.nationality,
            document_kind=reading.kind,
            residence=residence or reading.nationality,
            entry_day=today,
        )
    inspection.results = checks.run(inspection)
    return inspection
