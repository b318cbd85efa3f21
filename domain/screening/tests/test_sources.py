"""Every list file we have is read as it is: the excerpts in data/sources/ (records copied from
shared/data/watchlists/) always, the whole files of shared/ when they are there."""

from pathlib import Path

import pytest

from domain.screening.entries import DocumentEntry, Name, PartialDate, PersonEntry
from domain.screening.sources import FORMATS, read

DATA = Path(__file__).resolve().parent / "data" / "sources"
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "watchlists"
UN = SHARED / "un_sc_consolidated_2024-09-26.xml"
OFAC_XML = SHARED / "ofac_consolidated_nonsdn_2024-05-06.xml"
OFAC_PREFIX = SHARED / "ofac_2021-04_"
shared = pytest.mark.skipif(not UN.exists(), reason="shared/data/watchlists/ is not here")


def by_ref(format: str, path) -> dict[str, PersonEntry | DocumentEntry]:
    return {entry.source_ref: entry for entry in read(format, path)}


def test_the_registry_names_every_format():
    assert sorted(FORMATS) == [
        "csv",
        "documents-csv",
        "ofac-csv",
        "ofac-xml",
        "opensanctions",
        "un-xml",
    ]


@shared
@pytest.mark.parametrize(
    "format, path, persons, skipped",
    [
        ("un-xml", UN, 682, {"entity": 193}),
        ("ofac-csv", OFAC_PREFIX, 4566, {"entity": 3644, "vessel": 403, "aircraft": 277}),
        ("ofac-csv", SHARED, 4566, {"entity": 3644, "vessel": 403, "aircraft": 277}),
        ("ofac-xml", OFAC_XML, 79, {"entity": 364}),
    ],
)
def test_it_reads_every_person_of_the_real_lists(format, path, persons, skipped):
    seen = []
    reading = read(format, path, progress=seen.append)
    entries = list(reading)
    assert len(entries) == persons
    assert all(isinstance(entry, PersonEntry) and entry.names for entry in entries)
    assert len({entry.source_ref for entry in entries}) == persons
    assert dict(reading.skipped) == skipped
    assert seen[-1] == reading.bytes_read == reading.size
    assert seen == sorted(seen)


@shared
@pytest.mark.parametrize("format, path", [("un-xml", UN), ("ofac-csv", OFAC_PREFIX)])
def test_it_reads_a_list_the_same_way_twice(format, path):
    first, second = list(read(format, path)), list(read(format, path))
    assert first == second
    assert [entry.extra for entry in first] == [entry.extra for entry in second]


@shared
def test_it_counts_what_the_real_lists_hold():
    un = list(read("un-xml", UN))
    assert sum(1 for entry in un if entry.sex) == 55
    assert sum(1 for entry in un if not entry.birth_dates) == 28
    assert sum(1 for entry in un if entry.document_numbers) == 254
    assert sum(1 for entry in un if entry.nationalities) == 615
    ofac = list(read("ofac-csv", OFAC_PREFIX))
    assert sum(1 for entry in ofac if entry.sex) == 1444
    assert sum(1 for entry in ofac if entry.nationalities) == 2479
    assert sum(len(entry.document_numbers) for entry in ofac) == 1948


UN_FILES = [DATA / "un_sc_excerpt.xml", pytest.param(UN, marks=shared)]


@pytest.mark.parametrize("path", UN_FILES)
def test_it_reads_a_un_individual_field_by_field(path):
    anwari = by_ref("un-xml", path)["TAi.005"]
    assert anwari.names == (
        Name("MUHAMMAD TAHER ANWARI"),
        Name("محمد طاهر أنوري"),
        Name("Mohammad Taher Anwari", is_alias=True, quality="good"),
        Name("Muhammad Tahir Anwari", is_alias=True, quality="good"),
        Name("Mohammad Tahre Anwari", is_alias=True, quality="good"),
        Name("Haji Mudir", is_alias=True, quality="low"),
    )
    assert anwari.birth_dates == (PartialDate(1961),)
    assert anwari.birth_places == ("Zurmat District, Paktia Province, Afghanistan",)
    assert anwari.nationalities == ("AFG",)
    assert anwari.sex == ""
    assert anwari.document_numbers == ()
    assert anwari.notes.startswith("Belongs to Andar tribe.")
    assert anwari.extra["birth_dates_as_listed"] == ["APPROXIMATELY 1961"]
    assert anwari.extra["list_type"] == "Taliban"


@pytest.mark.parametrize("path", UN_FILES)
def test_it_reads_the_un_listing_of_a_haitian_gang_leader(path):
    cherizier = by_ref("un-xml", path)["HTi.001"]
    assert cherizier.names == (
        Name("JIMMY CHERIZIER"),
        Name("BARBEQUE", is_alias=True, quality="low"),
    )
    assert cherizier.birth_dates == (PartialDate(1977, 3, 30),)
    assert cherizier.birth_places == ("Port-au-Prince, Haiti",)
    assert cherizier.nationalities == ("HTI",)
    assert cherizier.document_numbers == (("001-843-989-7", ""),)


@pytest.mark.parametrize("path", UN_FILES)
def test_it_reads_un_date_ranges_alias_dates_documents_and_unmapped_nationalities(path):
    entries = by_ref("un-xml", path)
    assert entries["TAi.023"].birth_dates == tuple(PartialDate(year) for year in range(1963, 1969))
    assert entries["TAi.004"].birth_dates == (
        PartialDate(1960),
        PartialDate(1953),
        PartialDate(1966),
    )
    haqqani = entries["TAi.034"]
    assert haqqani.document_numbers == (("OR1961825", "AFG"), ("TR024417", "AFG"))
    assert haqqani.birth_places[1] == "Logar, Afghanistan"  # an alias's CITY_OF_BIRTH
    umarov = entries["QDi.290"]
    assert umarov.names[1] == Name("Умаров Доку Хаматович")
    assert umarov.nationalities == ("RUS",)
    assert umarov.extra["nationalities_unmapped"] == ["former Soviet Union"]
    assert umarov.document_numbers == (("96 03 464086", "RUS"),)


def test_it_counts_un_entities_without_reading_them():
    reading = read("un-xml", DATA / "un_sc_excerpt.xml")
    assert len(list(reading)) == 7
    assert reading.skipped == {"entity": 1}


OFAC_CSV_FILES = [
    DATA / "ofac_excerpt_",
    [DATA / f"ofac_excerpt_{role}.csv" for role in ("sdn", "alt", "add")],
    pytest.param(OFAC_PREFIX, marks=shared),
]


@pytest.mark.parametrize("path", OFAC_CSV_FILES)
def test_it_reads_an_ofac_individual_with_aliases_from_the_alt_file(path):
    zawahiri = by_ref("ofac-csv", path)["2676"]
    assert zawahiri.names == (
        Name("AL ZAWAHIRI, Dr. Ayman", "AL ZAWAHIRI", "Dr. Ayman"),
        Name("AL-ZAWAHIRI, Ayman", "AL-ZAWAHIRI", "Ayman", is_alias=True),
        Name("SALIM, Ahmad Fuad", "SALIM", "Ahmad Fuad", is_alias=True),
        Name(
            "AL-ZAWAHIRI, Aiman Muhammad Rabi", "AL-ZAWAHIRI", "Aiman Muhammad Rabi", is_alias=True
        ),
    )
    assert zawahiri.birth_dates == (PartialDate(1951, 6, 19),)
    assert zawahiri.birth_places == ("Giza, Egypt",)
    assert zawahiri.document_numbers == (("1084010", "EGY"), ("19820215", ""))
    assert zawahiri.notes.startswith("DOB 19 Jun 1951; POB Giza, Egypt;")
    assert zawahiri.extra["programs"] == ["SDGT"]


@pytest.mark.parametrize("path", OFAC_CSV_FILES)
def test_it_reads_ofac_remarks_weak_aliases_and_addresses(path):
    entries = by_ref("ofac-csv", path)
    kim = entries["11648"]
    assert kim.birth_dates == (PartialDate(1964), PartialDate(1962, 8, 28))
    assert kim.nationalities == ("PRK",)
    assert kim.document_numbers == (("290320764", ""),)
    assert kim.names[-1] == Name("KIM, JIN SOK", "KIM", "JIN SOK", is_alias=True, quality="weak")
    dhess = entries["7940"]
    assert dhess.nationalities == ()
    assert dhess.extra["nationalities_unmapped"] == ["possibly Palestinian"]
    assert dhess.extra["addresses"] == ["Holdenweg 76, Essen 45143, Germany"]
    assert "36" not in entries and "6912" not in entries and "4234" not in entries


def test_it_counts_ofac_entities_vessels_and_aircraft():
    reading = read("ofac-csv", DATA / "ofac_excerpt_")
    assert [entry.source_ref for entry in reading] == ["1572", "2676", "7940", "11648"]
    assert reading.skipped == {"entity": 2, "vessel": 1}


def test_it_reads_the_sdn_file_alone():
    noriega, zawahiri, *_ = read("ofac-csv", DATA / "ofac_excerpt_sdn.csv")
    assert noriega.names == (Name("NORIEGA, Manuel Antonio", "NORIEGA", "Manuel Antonio"),)
    assert len(zawahiri.names) == 1


@pytest.mark.parametrize("path", [DATA / "ofac_excerpt.xml", pytest.param(OFAC_XML, marks=shared)])
def test_it_reads_ofac_xml_individuals_field_by_field(path):
    entries = by_ref("ofac-xml", path)
    haniya = entries["9639"]
    assert haniya.names == (
        Name("Ismail Abdul Salah HANIYA", "HANIYA", "Ismail Abdul Salah"),
        Name("Ismail HANIYA", "HANIYA", "Ismail", is_alias=True, quality="strong"),
        Name("Ismaeel HANIYYA", "HANIYYA", "Ismaeel", is_alias=True, quality="strong"),
    )
    assert haniya.birth_dates == (PartialDate(1962),)
    assert haniya.birth_places == ("Shati",)
    zahhar = entries["9647"]
    assert zahhar.sex == "M"
    assert zahhar.nationalities == ("PSE",)
    assert zahhar.names[2] == Name(
        "ZAHAR, Mahmoud", "ZAHAR", "Mahmoud", is_alias=True, quality="weak"
    )
    assert zahhar.notes == "(Linked To: HAMAS)"
    kayakiran = entries["26182"]
    assert kayakiran.birth_dates == (PartialDate(1980, 2, 8),)
    assert kayakiran.nationalities == ("TUR",)
    assert kayakiran.document_numbers == (("U00242309", "TUR"),)


def test_it_reads_our_person_csv():
    entries = list(read("csv", DATA / "persons.csv"))
    assert [entry.source_ref for entry in entries] == [f"HT-2024-000{n}" for n in range(1, 5)]
    pierre, dezir, muller, zhang = entries
    assert pierre == PersonEntry(
        source_ref="HT-2024-0001",
        names=(
            Name("Jean Baptiste PIERRE", "PIERRE", "Jean Baptiste"),
            Name("Ti Jean", is_alias=True),
            Name("J. B. Pierre", is_alias=True),
        ),
        birth_dates=(PartialDate(1980, 3, 14), PartialDate(1981)),
        birth_places=("Jacmel, Haïti",),
        nationalities=("HTI",),
        sex="M",
        document_numbers=(("HA1234567", "HTI"), ("RD0034", "DOM")),
        notes="refer to secondary inspection",
    )
    assert dezir.names == (Name("Marie-Ange Dézir"),)
    assert dezir.birth_dates == (PartialDate(1975, 11),)
    assert dezir.notes == "deny entry: court order 2024/117\n(see the order for the details)"
    assert muller.nationalities == ("D",)
    assert muller.document_numbers == (("C01X00T47", "D"), ("123456", ""))
    assert muller.notes == 'alias "Hansi" in some reports'
    assert zhang.names == (Name("张伟", "ZHANG", "Wei"), Name("Chang Wei", is_alias=True))


def test_it_reads_our_documents_csv():
    assert list(read("documents-csv", DATA / "documents.csv")) == [
        DocumentEntry(
            "UTO:L898902C3", "L898902C3", "UTO", "P", "stolen", "reported 2024-05-01 at PAP"
        ),
        DocumentEntry(
            "SLTD-2024-17", "HA0012345", "HTI", "P", "stolen_blank", "blank booklet, batch 2024-03"
        ),
        DocumentEntry("DOM:ID1234567", "ID1234567", "DOM", "ID", "lost", ""),
        DocumentEntry("D:C01X00T47", "C01X00T47", "D", "P", "revoked", ""),
    ]


def test_it_reads_followthemoney_persons():
    reading = read("opensanctions", DATA / "opensanctions.ftm.json")
    sidorenko, jean_louis, li = reading
    assert reading.skipped == {"company": 1, "passport": 1}
    assert sidorenko.source_ref == "NK-3nSCwb7HHkNHiMLJ5Ybt3n"
    assert sidorenko.names == (
        Name("Ivan Petrovich Sidorenko", "Sidorenko", "Ivan Petrovich"),
        Name("Иван Петрович Сидоренко"),
        Name("Ivan Sidorenko", is_alias=True),
        Name("Vanya", is_alias=True, quality="weak"),
    )
    assert sidorenko.birth_dates == (PartialDate(1971, 4, 2), PartialDate(1971))
    assert sidorenko.birth_places == ("Rostov-on-Don",)
    assert sidorenko.nationalities == ("RUS",)
    assert sidorenko.extra["nationalities_unmapped"] == ["suhh"]
    assert sidorenko.sex == "M"
    assert sidorenko.document_numbers == (("720154879", ""),)
    assert jean_louis.nationalities == ("HTI", "RKS")
    assert jean_louis.sex == "F"
    assert jean_louis.birth_dates == (PartialDate(1983, 7),)
    assert jean_louis.document_numbers == (("003-456-789-1", ""), ("RD 123 456", "DOM"))
    assert li.names == (Name("Li Na", "Li", "Na"),)
    assert li.birth_dates == ()
    assert li.extra["birth_dates_unread"] == ["circa 1990"]


def test_it_reports_the_bytes_read_across_files():
    seen = []
    paths = [DATA / f"ofac_excerpt_{role}.csv" for role in ("sdn", "alt", "add")]
    reading = read("ofac-csv", paths, progress=seen.append)
    assert reading.size == sum(path.stat().st_size for path in paths)
    assert reading.bytes_read == 0
    list(reading)
    assert seen[-1] == reading.bytes_read == reading.size
