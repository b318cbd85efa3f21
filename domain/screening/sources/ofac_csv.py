"""The US OFAC SDN list in its legacy CSV files (format `ofac-csv`).

Three headerless CSV files, `-0-` for an empty field, described in OFAC's `dat_spec.txt`
(https://ofac.treasury.gov/sdn-list-data-formats-data-schemas):

* `sdn.csv`: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT,
  Vess_flag, Vess_owner, Remarks;
* `alt.csv` (aliases): ent_num, alt_num, alt_type (aka, fka, nka), alt_name, alt_remarks;
* `add.csv` (addresses): ent_num, add_num, address, city/state/postal code, country, add_remarks.

Give the three files (`[sdn, alt, add]`, in that order unless their names end so), a directory
holding them, or their common prefix (`.../ofac_2021-04_`); the alt and add files may be left
out. Only `individual` entries become persons (the others are counted in `skipped` by SDN_Type:
"entity" for the blank type, "vessel", "aircraft"). `ent_num` is the `source_ref`; the name
"SURNAME, Given" gives surname and given names; the remarks give birth dates, places,
nationalities, sex, passports and national ID numbers and OFAC's weak aliases (ofac.py).
"""

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from domain.screening.entries import Name, PersonEntry
from domain.screening.sources import ofac
from domain.screening.sources.errors import MalformedSource, SourceError, WrongFormat
from domain.screening.sources.files import Files, existing
from domain.screening.sources.tabular import records

WHAT: Final = "the OFAC SDN list (CSV)"
ROLES: Final = ("sdn", "alt", "add")
WIDTHS: Final = {"sdn": 12, "alt": 5, "add": 6}
EMPTY: Final = "-0-"


def resolve(paths: list[Path]) -> list[Path]:
    """Return the files of the list, in the order sdn, alt, add (alt and add if found)."""
    if len(paths) == 1 and not paths[0].is_file():
        found = _in_directory(paths[0]) if paths[0].is_dir() else _by_prefix(paths[0])
        return existing([found[role] for role in ROLES if role in found])
    return existing(list(roles(paths).values()))


def roles(paths: list[Path] | tuple[Path, ...]) -> dict[str, Path]:
    """Return the role of each file: by the end of its name, or else by its position."""
    by_name = {
        role: path for path in paths for role in ROLES if path.name.lower().endswith(f"{role}.csv")
    }
    if len(by_name) == len(paths) and "sdn" in by_name:
        return {role: by_name[role] for role in ROLES if role in by_name}
    if len(paths) > 3:
        raise SourceError("unreadable", "the OFAC CSV list is at most three files: sdn, alt, add")
    return dict(zip(ROLES, paths, strict=False))


def _in_directory(directory: Path) -> dict[str, Path]:
    found: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(directory.iterdir()):
        for role in ROLES:
            if path.name.lower().endswith(f"{role}.csv") and path.is_file():
                found[role].append(path)
    if "sdn" not in found:
        raise SourceError(
            "unreadable", "no file named *sdn.csv in the directory", file=str(directory)
        )
    several = [role for role, files in found.items() if len(files) > 1]
    if several:
        raise SourceError(
            "unreadable",
            f"several files named *{several[0]}.csv in the directory: give the files",
            file=str(directory),
        )
    return {role: files[0] for role, files in found.items()}


def _by_prefix(prefix: Path) -> dict[str, Path]:
    found = {role: prefix.with_name(prefix.name + f"{role}.csv") for role in ROLES}
    if not found["sdn"].is_file():
        raise SourceError("unreadable", "no such file", file=str(found["sdn"]))
    return {role: path for role, path in found.items() if path.is_file()}


def entries(files: Files) -> Iterator[PersonEntry]:
    """Read the individuals of the SDN file, with their aliases and addresses."""
    paths = roles(files.paths)
    aliases = _by_entry(files, paths["alt"], "alt") if "alt" in paths else {}
    addresses = _by_entry(files, paths["add"], "add") if "add" in paths else {}
    for line, fields in _rows(files, paths["sdn"], "sdn"):
        number, name, kind = fields[0], fields[1], fields[2]
        if kind != "individual":
            files.skipped[kind or "entity"] += 1
            continue
        if not name:
            raise MalformedSource(
                "missing",
                "an entry without a name",
                file=str(paths["sdn"]),
                line=line,
                field="SDN_Name",
            )
        yield person(number, fields, aliases.get(number, []), addresses.get(number, []))


def person(
    number: str, fields: list[str], aliases: list[list[str]], addresses: list[list[str]]
) -> PersonEntry:
    """Return the person entry of an SDN record, its alt and add records."""
    name, program, title, remarks_text = fields[1], fields[3], fields[4], fields[11]
    said = ofac.remarks(remarks_text)
    names = [Name(name, *ofac.split_name(name))]
    names += [
        Name(alias[3], *ofac.split_name(alias[3]), is_alias=True) for alias in aliases if alias[3]
    ]
    names += [
        Name(alias, *ofac.split_name(alias), is_alias=True, quality="weak")
        for alias in said.weak_aliases
    ]
    extra = {
        "programs": [found for found in program.strip("[]").split("] [") if found],
        "title": title,
        "alias_types": {alias[3]: alias[2] for alias in aliases if alias[2] != "aka"},
        "addresses": [
            joined for address in addresses if (joined := ", ".join(filter(None, address[2:5])))
        ],
        "birth_dates_as_listed": said.birth_dates_as_listed,
        "nationalities_unmapped": said.nationalities_unmapped,
        "documents": said.documents,
    }
    return PersonEntry(
        source_ref=number,
        names=tuple(dict.fromkeys(names)),
        birth_dates=tuple(dict.fromkeys(said.birth_dates)),
        birth_places=tuple(dict.fromkeys(said.birth_places)),
        nationalities=tuple(dict.fromkeys(said.nationalities)),
        sex=said.sex,
        document_numbers=tuple(
            dict.fromkeys((found["number"], found["state"]) for found in said.documents)
        ),
        notes=remarks_text,
        extra={key: value for key, value in extra.items() if value},
    )


def _by_entry(files: Files, path: Path, role: str) -> dict[str, list[list[str]]]:
    grouped: dict[str, list[list[str]]] = defaultdict(list)
    for _, fields in _rows(files, path, role):
        grouped[fields[0]].append(fields)
    return grouped


def _rows(files: Files, path: Path, role: str) -> Iterator[tuple[int, list[str]]]:
    """Yield the records of one of the three files, `-0-` read as empty."""
    width = WIDTHS[role]
    first = True
    try:
        for line, fields in records(files, path):
            fields = [field.strip() for field in fields]
            fields = ["" if field == EMPTY else field for field in fields]
            fault = ""
            if len(fields) != width:
                fault = f"{len(fields)} fields, not {width}"
            elif not (fields[0].isascii() and fields[0].isdigit()):
                fault = "an ent_num that is not a number"
            if fault and first:
                raise WrongFormat(
                    "wrong_format",
                    f"not the {role} file of {WHAT}: {fault}",
                    file=str(path),
                    line=line,
                )
            if fault:
                code = "columns" if len(fields) != width else "value"
                raise MalformedSource(
                    code,
                    fault,
                    file=str(path),
                    line=line,
                    field="ent_num" if code == "value" else "",
                )
            first = False
            yield line, fields
    except MalformedSource as error:
        if first and error.code in ("encoding", "syntax"):
            raise WrongFormat(
                "wrong_format", f"not {WHAT}: {error.message}", file=str(path), line=error.line
            ) from None
        raise
    if first:
        raise WrongFormat(
            "wrong_format", f"an empty file, not the {role} file of {WHAT}", file=str(path)
        )
