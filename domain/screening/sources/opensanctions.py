"""OpenSanctions' FollowTheMoney entities, as JSON lines (format `opensanctions`).

The format: https://www.opensanctions.org/docs/bulk/json/ and the FtM data dictionary
(https://followthemoney.tech/explorer/schemata/Person/). One JSON object per line
(`entities.ftm.json`, or `targets.nested.json` where related entities are nested in the
properties):

    {"id": "Q7747", "schema": "Person", "properties": {"name": ["Vladimir Putin"],
     "birthDate": ["1952-10-07"], "nationality": ["ru"], ...}, "datasets": [...], ...}

Only `Person` entities become persons; the others (Company, Passport, Sanction, ...) are counted
in `skipped` by schema. Every property holds a list of strings:

* `id` is the `source_ref`;
* `name` gives the names (the first one primary, with `firstName`, `middleName` and `lastName`
  when each has one value); `alias` aliases, `weakAlias` aliases of quality "weak",
  `previousName` aliases of quality "previous"; at least one name (or first or last name);
* `birthDate` is partial ISO 8601 (`1952`, `1952-10`, `1952-10-07`); `birthPlace` places;
* `nationality` and `citizenship` are lower-case ISO 3166-1 alpha-2 codes (with FtM's `xk`
  for Kosovo), mapped to alpha-3; codes that map to nothing (`suhh`) go to `extra`;
* `gender` "male" or "female"; `passportNumber` and `idNumber` document numbers (state unknown);
  nested `Passport` and `Identification` entities give their `number` and `country`;
* `notes` the notes.

Entity references between lines (a Passport entity whose `holder` is a person on another line)
are not followed: read `targets.nested.json` to have them nested.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from domain.screening.entries import Name, PersonEntry, Sex
from domain.screening.sources import countries, dates
from domain.screening.sources.errors import MalformedSource, SourceError, WrongFormat
from domain.screening.sources.files import Files

WHAT: Final = "OpenSanctions FollowTheMoney entities (JSON lines)"
SEXES: Final[dict[str, Sex]] = {"male": "M", "female": "F"}
ALIASES: Final = {"alias": "", "weakAlias": "weak", "previousName": "previous"}
DOCUMENT_SCHEMAS: Final = ("Passport", "Identification")


def entries(files: Files) -> Iterator[PersonEntry]:
    """Read the Person entities of each file, in the file's order."""
    for path in files.paths:
        first = True
        for line, entity in _objects(files, path):
            try:
                schema = _field(entity, "schema", str)
                if schema != "Person":
                    files.skipped[schema.lower()] += 1
                else:
                    yield person(entity)
            except SourceError as error:
                error.file, error.line = str(path), line
                if first and error.field in ("id", "schema", "properties"):
                    raise WrongFormat(
                        "wrong_format",
                        f"not {WHAT}: {error.message}",
                        file=str(path),
                        line=line,
                        field=error.field,
                    ) from None
                raise
            first = False
        if first:
            raise WrongFormat("wrong_format", f"an empty file, not {WHAT}", file=str(path))


def _objects(files: Files, path: Path) -> Iterator[tuple[int, dict]]:
    """Yield `(line, object)` for each non-blank line of the file."""
    with files.open(path) as stream:
        for line, raw in enumerate(stream, 1):
            if line == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            try:
                found = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                code, message = "encoding", "not UTF-8"
            except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
                code, message = "syntax", f"not a JSON value: {error}"
            else:
                if isinstance(found, dict):
                    yield line, found
                    continue
                code, message = "wrong_format", "not a JSON object"
            error_class = WrongFormat if line == 1 or code == "wrong_format" else MalformedSource
            if line == 1:
                code, message = "wrong_format", f"not {WHAT}: {message}"
            raise error_class(code, message, file=str(path), line=line)  # type: ignore[arg-type]


def person(entity: dict) -> PersonEntry:
    """Return the person entry of a Person entity."""
    ref = _field(entity, "id", str)
    properties = _field(entity, "properties", dict)
    values = {key: _values(properties, key) for key in properties}

    def strings(key: str) -> list[str]:
        found = (" ".join(value.split()) for value in values.get(key, ()) if isinstance(value, str))
        return list(dict.fromkeys(value for value in found if value))

    first, middle, last = strings("firstName"), strings("middleName"), strings("lastName")
    surname = last[0] if len(last) == 1 else ""
    given = " ".join(first + middle) if len(first) == 1 and len(middle) <= 1 else ""
    caption = entity.get("caption") if isinstance(entity.get("caption"), str) else ""
    full_names = strings("name") or [" ".join((caption or f"{given} {surname}").split())]
    if not full_names[0]:
        raise MalformedSource("missing", "a Person without a name", field="name")
    names = [Name(full_names[0], surname, given)] + [Name(full) for full in full_names[1:]]
    for key, quality in ALIASES.items():
        names += [Name(full, is_alias=True, quality=quality) for full in strings(key)]
    birth_dates = [dates.iso(value[:10]) for value in strings("birthDate")]
    nationalities, unmapped = [], []
    for code in strings("nationality") + strings("citizenship"):
        alpha_3 = countries.from_alpha_2(code)
        (nationalities if alpha_3 else unmapped).append(alpha_3 or code)
    documents = [(number, "") for number in strings("passportNumber") + strings("idNumber")]
    for value in (value for found in values.values() for value in found):
        if isinstance(value, dict) and value.get("schema") in DOCUMENT_SCHEMAS:
            documents += _nested_documents(value)
    sexes = [SEXES[value.lower()] for value in strings("gender") if value.lower() in SEXES]
    extra = {
        "caption": caption,
        "datasets": [value for value in _list(entity.get("datasets")) if isinstance(value, str)],
        "topics": strings("topics"),
        "positions": strings("position"),
        "birth_dates_unread": [
            value
            for value, found in zip(strings("birthDate"), birth_dates, strict=True)
            if not found
        ],
        "nationalities_unmapped": unmapped,
    }
    return PersonEntry(
        source_ref=ref,
        names=tuple(dict.fromkeys(names)),
        birth_dates=tuple(dict.fromkeys(found for found in birth_dates if found)),
        birth_places=tuple(strings("birthPlace")),
        nationalities=tuple(dict.fromkeys(nationalities)),
        sex=sexes[0] if len(set(sexes)) == 1 else "",
        document_numbers=tuple(dict.fromkeys(documents)),
        notes="\n".join(strings("notes")),
        extra={key: value for key, value in extra.items() if value},
    )


def _nested_documents(entity: dict) -> list[tuple[str, str]]:
    properties = entity.get("properties")
    if not isinstance(properties, dict):
        return []
    numbers = [value for value in _values(properties, "number") if isinstance(value, str)]
    states = [
        countries.from_alpha_2(value)
        for value in _values(properties, "country")
        if isinstance(value, str)
    ]
    state = states[0] or "" if len(states) == 1 else ""
    return [(" ".join(number.split()), state) for number in numbers if number.strip()]


def _field(entity: dict, key: str, kind: type) -> Any:
    value = entity.get(key)
    if not isinstance(value, kind) or not value:
        raise MalformedSource(
            "missing" if value in (None, "", {}) else "value",
            f"`{key}` must be a non-empty {'string' if kind is str else 'object'}",
            field=key,
        )
    return value


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _values(properties: dict, key: str) -> list:
    values = properties.get(key, [])
    if not isinstance(values, list):
        raise MalformedSource("value", f"the property `{key}` is not a list", field=key)
    return values
