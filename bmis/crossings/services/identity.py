"""Headquarters' merges of travellers first recorded at two posts (`PersonMerge`)."""

from django.db.models import Count

from bmis.core import audit
from bmis.crossings import identity
from bmis.crossings.models import Person, PersonMerge, TravelDocument


def persons_merge_duplicates(*, document_ids) -> list[Person]:
    """Merge the travellers who hold the same document as one of `document_ids` into the one
    recorded first; return every traveller touched. Called at headquarters, in the transaction
    that stored the documents.

    The same number from the same issuing state is the same document, so the same holder; a
    different date of birth on the two records is left for a person to judge (no merge).
    """
    keys = set(
        TravelDocument.objects.filter(pk__any=list(document_ids)).values_list(
            "number", "issuing_state"
        )
    )
    # One query finds the few documents held by two travellers or more (merged ones included):
    # only those are looked at one by one.
    held_twice = (
        TravelDocument.objects.filter(number__any={number for number, _ in keys})
        .values_list("number", "issuing_state")
        .annotate(holders=Count("person_id", distinct=True))
        .filter(holders__gt=1)
    )
    keys &= {(number, state) for number, state, _ in held_twice}
    touched: list[Person] = []
    for number, state in sorted(keys):
        documents = TravelDocument.objects.filter(number=number, issuing_state=state)
        kept = identity.canonical_keys(list(documents.values_list("person_id", flat=True)))
        holders = Person.objects.in_bulk(set(kept.values()))
        if len(holders) < 2:
            continue
        first, *others = sorted(holders.values(), key=lambda person: person.pk)  # birth order
        for other in others:
            if first.birth_date and other.birth_date and first.birth_date != other.birth_date:
                continue
            PersonMerge.objects.create(person=other, into=first, reason=f"{state} {number}")
            audit.record(
                actor=None,
                action="person.merged",
                obj=other,
                details={"into": str(first.pk), "document": f"{state} {number}"},
            )
            touched += [first, other]
    return touched
