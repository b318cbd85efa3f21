"""A broken file stops the reading with a SourceError saying where and what; a file in another
format says it is not the one announced."""

import shutil
from pathlib import Path

import pytest

from domain.screening.sources import MalformedSource, SourceError, WrongFormat, read

DATA = Path(__file__).resolve().parent / "data" / "sources"
PERSONS_HEADER = (
    "ref,surname,given_names,full_name,aliases,birth_dates,birth_places,nationalities,sex,"
    "documents,notes\n"
)
A_PERSON = "HT-1,PIERRE,Jean,,,1980,,HTI,M,HA1:HTI,\n"
DOCUMENTS_HEADER = "number,issuing_state,document_type,status,ref,notes\n"
SDN_ROW = '2676,"AL ZAWAHIRI, Ayman","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def fails(format: str, path) -> SourceError:
    with pytest.raises(SourceError) as caught:
        list(read(format, path))
    return caught.value


def test_it_refuses_an_unknown_format():
    with pytest.raises(WrongFormat) as caught:
        read("pdf", DATA / "persons.csv")
    assert caught.value.code == "unknown_format"


def test_it_says_which_file_is_missing(tmp_path):
    with pytest.raises(SourceError) as caught:
        read("un-xml", tmp_path / "un.xml")
    assert (caught.value.code, caught.value.file) == ("unreadable", str(tmp_path / "un.xml"))


def test_it_wants_an_sdn_file_in_an_ofac_directory_or_prefix(tmp_path):
    with pytest.raises(SourceError) as caught:
        read("ofac-csv", tmp_path)
    assert caught.value.code == "unreadable"
    with pytest.raises(SourceError) as caught:
        read("ofac-csv", tmp_path / "ofac_2021-04_")
    assert caught.value.file == str(tmp_path / "ofac_2021-04_sdn.csv")


def test_it_finds_the_three_ofac_files_in_a_directory(tmp_path):
    for role in ("sdn", "alt", "add"):
        shutil.copy(DATA / f"ofac_excerpt_{role}.csv", tmp_path / f"{role}.csv")
    reading = read("ofac-csv", tmp_path)
    assert [path.name for path in reading.paths] == ["sdn.csv", "alt.csv", "add.csv"]
    assert len(list(reading)) == 4


@pytest.mark.parametrize(
    "format, fixture, said",
    [
        ("ofac-xml", "un_sc_excerpt.xml", "the root element is CONSOLIDATED_LIST, not sdnList"),
        ("un-xml", "ofac_excerpt.xml", "the root element is sdnList, not CONSOLIDATED_LIST"),
        ("un-xml", "persons.csv", "not XML"),
        ("csv", "un_sc_excerpt.xml", "not a person CSV list"),
        ("csv", "documents.csv", "not a person CSV list"),
        ("documents-csv", "persons.csv", "not a documents CSV list"),
        ("ofac-csv", "persons.csv", "not the sdn file of the OFAC SDN list (CSV): 11 fields"),
        ("opensanctions", "persons.csv", "not OpenSanctions"),
        ("opensanctions", "un_sc_excerpt.xml", "not OpenSanctions"),
    ],
)
def test_it_says_a_file_is_not_the_announced_format(format, fixture, said):
    error = fails(format, DATA / fixture)
    assert isinstance(error, WrongFormat)
    assert error.code == "wrong_format"
    assert said in error.message
    assert error.file == str(DATA / fixture)


@pytest.mark.parametrize("format", ["csv", "documents-csv", "un-xml", "ofac-xml", "opensanctions"])
def test_it_says_an_empty_file_is_not_a_list(tmp_path, format):
    error = fails(format, write(tmp_path, "empty", ""))
    assert error.code == "wrong_format"


def test_it_says_where_xml_stops_being_well_formed(tmp_path):
    text = (DATA / "un_sc_excerpt.xml").read_text(encoding="utf-8")
    cut = text.index("<REFERENCE_NUMBER>TAi.023")
    error = fails(
        "un-xml", write(tmp_path, "un.xml", text[:cut] + "<REFERENCE_NUMBER>TAi.023</BROKEN>")
    )
    assert isinstance(error, MalformedSource)
    assert error.code == "syntax"
    assert error.line == text[:cut].count("\n") + 1
    assert error.path == "CONSOLIDATED_LIST/INDIVIDUALS[1]/INDIVIDUAL[4]/REFERENCE_NUMBER[1]"
    assert "mismatched tag" in error.message


def test_it_refuses_xml_entities(tmp_path):
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE CONSOLIDATED_LIST [\n<!ENTITY lol "lol">\n'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">\n]>\n<CONSOLIDATED_LIST>&lol2;</CONSOLIDATED_LIST>\n'
    )
    error = fails("un-xml", write(tmp_path, "un.xml", laughs))
    assert error.code == "unsafe_xml"


def test_it_names_the_un_individual_without_a_reference(tmp_path):
    text = (DATA / "un_sc_excerpt.xml").read_text(encoding="utf-8")
    text = text.replace("<REFERENCE_NUMBER>HTi.001</REFERENCE_NUMBER>", "<REFERENCE_NUMBER/>")
    error = fails("un-xml", write(tmp_path, "un.xml", text))
    assert (error.code, error.field) == ("missing", "REFERENCE_NUMBER")
    assert error.path == "CONSOLIDATED_LIST/INDIVIDUALS[1]/INDIVIDUAL[3]"
    lines = text.splitlines()
    assert lines[error.line - 1].strip() == "<INDIVIDUAL>"
    assert "HTi.001" not in text and "<REFERENCE_NUMBER/>" in "\n".join(lines[error.line :][:15])


def test_it_names_the_ofac_individual_without_a_name(tmp_path):
    text = (DATA / "ofac_excerpt.xml").read_text()
    text = text.replace("<firstName>Ismail Abdul Salah</firstName>", "").replace(
        "<lastName>HANIYA</lastName>\n    <sdnType>", "<sdnType>"
    )
    error = fails("ofac-xml", write(tmp_path, "ofac.xml", text))
    assert (error.code, error.path) == ("missing", "sdnList/sdnEntry[1]")
    assert error.line == 7


@pytest.mark.parametrize(
    "row, code, column",
    [
        (",PIERRE,Jean,,,,,,,,\n", "missing", "ref"),
        ("HT-2,,Jean,,,,,,,,\n", "missing", "full_name"),
        ("HT-2,PIERRE,,,,1980-02-30,,,,,\n", "value", "birth_dates"),
        ("HT-2,PIERRE,,,,14/03/1980,,,,,\n", "value", "birth_dates"),
        ("HT-2,PIERRE,,,,,,Haiti,,,\n", "value", "nationalities"),
        ("HT-2,PIERRE,,,,,,HTI,male,,\n", "value", "sex"),
        ("HT-2,PIERRE,,,,,,,,HA1:HAITI,\n", "value", "documents"),
        ("HT-2,PIERRE,,,,,,,,:HTI,\n", "missing", "documents"),
        ("HT-1,PAUL,,,,,,,,,\n", "duplicate", "ref"),
    ],
)
def test_it_names_the_line_and_column_of_a_bad_person(tmp_path, row, code, column):
    error = fails("csv", write(tmp_path, "list.csv", PERSONS_HEADER + A_PERSON + row))
    assert isinstance(error, MalformedSource)
    assert (error.code, error.line, error.field) == (code, 3, column)
    assert str(error).startswith(f"{tmp_path / 'list.csv'}:3: [{column}] ")


def test_it_counts_lines_inside_quoted_fields(tmp_path):
    multi_line = 'HT-2,PIERRE,,,,,,,,,"one\ntwo\nthree"\n'
    error = fails(
        "csv", write(tmp_path, "list.csv", PERSONS_HEADER + multi_line + "HT-3,,,,,,,,,,\n")
    )
    assert (error.code, error.line) == ("missing", 5)


@pytest.mark.parametrize(
    "content, code, line",
    [
        (PERSONS_HEADER + A_PERSON + "HT-2,PIERRE,,,,,,,\n", "columns", 3),
        (PERSONS_HEADER + A_PERSON + 'HT-2,"PIERRE"X,,,,,,,,,\n', "syntax", 3),
        (PERSONS_HEADER.encode() + A_PERSON.encode() + b"HT-2,P\xe9RRE,,,,,,,,,\n", "encoding", 3),
        (PERSONS_HEADER + A_PERSON + "HT-2,PIERRE,,,,,,,,,\x00\n", "encoding", 3),
    ],
)
def test_it_names_the_line_of_a_broken_csv_record(tmp_path, content, code, line):
    error = fails("csv", write(tmp_path, "list.csv", content))
    assert (error.code, error.line) == (code, line)


@pytest.mark.parametrize(
    "row, code, column",
    [
        (",HTI,P,stolen,,\n", "missing", "number"),
        ("HA1,,P,stolen,,\n", "missing", "issuing_state"),
        ("HA1,HT,P,stolen,,\n", "value", "issuing_state"),
        ("HA1,HTI,P,,,\n", "missing", "status"),
        ("HA1,HTI,P,found,,\n", "value", "status"),
    ],
)
def test_it_names_the_line_and_column_of_a_bad_document(tmp_path, row, code, column):
    content = DOCUMENTS_HEADER + "HA0,HTI,P,lost,,\n" + row
    error = fails("documents-csv", write(tmp_path, "documents.csv", content))
    assert (error.code, error.line, error.field) == (code, 3, column)


@pytest.mark.parametrize(
    "row, code",
    [
        ('2677,"X, Y","individual"\n', "columns"),
        (SDN_ROW.replace("2676", "A2677"), "value"),
    ],
)
def test_it_names_the_line_of_a_bad_ofac_record(tmp_path, row, code):
    error = fails("ofac-csv", write(tmp_path, "sdn.csv", SDN_ROW + row))
    assert (error.code, error.line) == (code, 2)


def test_it_says_an_ofac_alias_file_is_not_one(tmp_path):
    sdn = write(tmp_path, "sdn.csv", SDN_ROW)
    alt = write(tmp_path, "alt.csv", SDN_ROW)
    error = fails("ofac-csv", [sdn, alt])
    assert error.code == "wrong_format"
    assert error.file == str(alt)


PERSON_JSON = '{"id": "NK-1", "schema": "Person", "properties": {"name": ["Jean Pierre"]}}\n'


@pytest.mark.parametrize(
    "line, code, field",
    [
        ('{"id": "NK-2", "schema": "Person", "properties": {"name": ["X"]\n', "syntax", ""),
        ('["NK-2"]\n', "wrong_format", ""),
        ('{"id": "NK-2", "schema": "Person", "properties": {}}\n', "missing", "properties"),
        ('{"id": "NK-2", "schema": "Person", "properties": {"alias": ["X"]}}\n', "missing", "name"),
        ('{"id": "NK-2", "schema": "Person", "properties": {"name": "X"}}\n', "value", "name"),
        ('{"schema": "Person", "properties": {"name": ["X"]}}\n', "missing", "id"),
        ('{"id": "NK-2", "properties": {"name": ["X"]}}\n', "missing", "schema"),
        ('{"id": "NK-2", "schema": 7, "properties": {"name": ["X"]}}\n', "value", "schema"),
        (b'{"id": "NK-2", "schema": "Person", "properties": {"name": ["\xe9"]}}\n', "encoding", ""),
        ("[" * 100_000 + "\n", "syntax", ""),
    ],
)
def test_it_names_the_line_of_a_bad_entity(tmp_path, line, code, field):
    first = PERSON_JSON.encode() + b"\n"
    content = first + (line if isinstance(line, bytes) else line.encode())
    error = fails("opensanctions", write(tmp_path, "entities.ftm.json", content))
    assert (error.code, error.line, error.field) == (code, 3, field)
