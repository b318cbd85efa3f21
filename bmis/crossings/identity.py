"""Who a traveller on record is, once headquarters has merged duplicates (`PersonMerge`).

A merge never rewrites a record: the merged traveller's crossings and documents stay theirs in
the database, and these reads gather them under the traveller they were merged into. The
counter, the stays and the lists of travellers all read through here.
"""

from django.db.models import Q

from bmis.crossings.models import Crossing, Person, PersonMerge

DEPTH = 20  # merges of merges: far more than two posts' duplicates can make


def canonical(person: Person) -> Person:
    """Return the traveller `person` was merged into (through any chain), or `person`."""
    key = canonical_keys([person.pk])[person.pk]
    return person if key == person.pk else Person.objects.get(pk=key)


def members(person: Person) -> list:
    """Return the keys of `person` and of every traveller merged into them, at any depth."""
    return member_keys([person.pk])[person.pk]


def any_merged(keys) -> bool:
    """Say whether any of these travellers was merged into another, or another into them."""
    return merges_of(keys).exists()


def merges_of(keys):
    """Return the merges of these travellers into others, and of others into them."""
    keys = list(keys)
    return PersonMerge.objects.filter(Q(person_id__any=keys) | Q(into_id__any=keys))


def canonical_keys(keys) -> dict:
    """Return, for each traveller's key, the key of the traveller they were merged into
    (through any chain, as `canonical`), or their own: one query a level of merges."""
    into: dict = {}
    frontier = set(keys)
    for _ in range(DEPTH):
        found = dict(
            PersonMerge.objects.filter(person_id__any=frontier).values_list("person_id", "into_id")
        )
        into |= found
        frontier = set(found.values()) - into.keys()
        if not frontier:
            break
    result = {}
    for key in keys:
        seen, current = {key}, key
        while current in into and into[current] not in seen:
            current = into[current]
            seen.add(current)
        result[key] = current
    return result


def member_keys(keys) -> dict:
    """Return, for each of these travellers' keys, `members`: their key and the keys of every
    traveller merged into them, at any depth; one query a level of merges."""
    groups = {key: [key] for key in keys}
    owner = {key: key for key in keys}
    frontier = set(keys)
    for _ in range(DEPTH):
        found = PersonMerge.objects.filter(into_id__any=frontier)
        found = found.values_list("person_id", "into_id")
        frontier = set()
        for person, into in found:
            if person not in owner:
                owner[person] = owner[into]
                groups[owner[into]].append(person)
                frontier.add(person)
        if not frontier:
            break
    return groups


def crossings_of(person: Person):
    """Return the crossings of `person` and of the travellers merged into them."""
    return Crossing.objects.filter(person_id__in=members(person))
