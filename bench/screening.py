"""Benchmark of the screening engine against a rapidfuzz full scan and PostgreSQL pg_trgm.

Builds a person list of --names names (the OFAC SDN individuals and their aliases, read by a
minimal reader below, plus synthetic people of ten naming cultures, some written in Cyrillic,
Greek or Arabic script, with aliases) and a document list of --documents numbers; then a
labelled query set: --queries variants of listed people (typos, transliterations, parts in
another order, middle names dropped or added, MRZ truncation, diacritics dropped, partial or
swapped birth dates, nationality missing) and --queries travellers on no list. It prints the
build time, memory (RSS), p50/p99 per traveller, recall and the share of non-listed travellers
alerted, and the same figures for a rapidfuzz full scan (process.extract over every name) and
pg_trgm similarity with a GIN index, on a sample of --peer-sample queries of each kind.

    .venv/bin/python bench/screening.py    # 1,000,000 names, 10,000,000 documents
    .venv/bin/python bench/screening.py --names 100000 --documents 1000000 --queries 2000
"""

import argparse
import contextlib
import csv
import gc
import os
import pickle
import random
import re
import sys
import time
from pathlib import Path

from anyascii import anyascii
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.mrz.transliterate import transliterate  # noqa: E402
from domain.screening import (  # noqa: E402
    DocumentEntry,
    DocumentIndex,
    Name,
    NameIndex,
    PartialDate,
    PersonEntry,
    Traveller,
)

DATA = Path("/work/shared/data/watchlists")
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "openbmis_screening_bench"
SEED = 2026
STATES = ["HTI", "DOM", "USA", "FRA", "CAN", "IRQ", "SYR", "RUS", "UKR", "CHN", "NGA", "MEX",
          "COL", "DEU", "GRC", "PAK", "IND", "SEN", "EGY", "BRA"]  # fmt: skip
# Ten naming cultures: given names, surname syllables (surnames are 2-3 syllables, so that the
# vocabulary grows with the list as real ones do), the nationality and the script of some.
CULTURES = {
    "arabic": ("MOHAMMED AHMED ALI OMAR YUSUF IBRAHIM KHALID HASSAN HUSSEIN ABDULLAH MAHMOUD "
               "TARIQ KARIM SAMIR WALID FATIMA AISHA MARYAM ZAINAB KHADIJA LAYLA NOUR HAMZA",
               "AL RA SHI DI HA MA DI NA SA LEH ZA HRA NI QA SIM BA KR JA BI RI FA TAH", "IRQ",
               "arabic"),
    "hispanic": ("JOSE JUAN CARLOS LUIS MIGUEL JORGE PEDRO ANTONIO MARIA ANA LUCIA CARMEN ROSA "
                 "ISABEL SOFIA DIEGO ALEJANDRO FERNANDO RAFAEL",
                 "GAR CIA MAR TI NEZ RO DRI GUEZ LO PEZ HER NAN DO GO MEZ SAN CHEZ RA MOS VAR GAS",
                 "COL", ""),
    "anglo": ("JOHN JAMES ROBERT MICHAEL WILLIAM DAVID RICHARD MARY PATRICIA JENNIFER LINDA "
              "ELIZABETH SUSAN SARAH THOMAS CHARLES",
              "SMITH SON WIL LIAMS BROWN JOHN TAY LOR MOOR WHITE HILL WOOD FORD TON CLARK", "USA",
              ""),
    "haitian": ("JEAN PIERRE JACQUES MARIE ROSE NADEGE ROODY WOODLEY LOUIS JOSEPH FRANTZ "
                "GUERLINE MIRLANDE STEVENSON JUDITH ESTHER",
                "JOS EPH LOU IS PIER RE CHAR LES AU GUS TIN DES TIN VAL CE LES TIN BAP TISTE",
                "HTI", ""),
    "slavic": ("YURI ALEXEI DMITRI SERGEI IVAN NIKOLAI VLADIMIR OLGA TATIANA NATALIA IRINA "
               "SVETLANA ANNA MIKHAIL ANDREI",
               "IVA NOV PET ROV SMIR NOV KUZ NE TSOV POPO VA SOKO LOV LE BE DEV KOZ LOV", "RUS",
               "cyrillic"),
    "chinese": ("WEI FANG LI NA MIN JING LEI YONG JIE XIU YING HUI QIANG",
                "WANG LI ZHANG LIU CHEN YANG HUANG ZHAO WU ZHOU XU SUN MA ZHU HU GUO", "CHN", ""),
    "westafrican": ("OLUWASEUN CHINEDU ADEBAYO NGOZI AMINATA MAMADOU IBRAHIMA FATOUMATA OUSMANE "
                    "ABDOULAYE AISSATOU MOUSSA EMEKA",
                    "DIAL LO DIOP NDI AYE OKA FOR ADE YEMI OKON KWO BAL DE TRA ORE SY SOW", "SEN",
                    ""),
    "german": ("HANS PETER KLAUS JURGEN UWE DIETER GUNTER SABINE URSULA MONIKA KARIN STEFAN",
               "MÜL LER SCHMIDT SCHNEI DER FISCH ER WEB BER MEY ER WAG NER BÄCK ER SCHÖN HOF",
               "DEU", ""),
    "greek": ("GEORGIOS DIMITRIOS KONSTANTINOS IOANNIS NIKOLAOS MARIA ELENI AIKATERINI SOFIA",
              "PAPA DOPOU LOS GEOR GIOU NIKO LAI DIS KARA MANLIS ALEXAN DROU", "GRC", "greek"),
    "southasian": ("MUHAMMAD IMRAN ASIF RAHUL AMIT PRIYA SUNITA AYESHA BILAL FARHAN SANJAY RAJESH",
                   "KHAN SHAR MA PA TEL SIN GH QURE SHI CHAU DHRY MAL IK RA NA BUT T", "PAK", ""),
}  # fmt: skip


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


class People:
    """Synthetic people of the naming cultures above."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cultures = []
        for given, syllables, state, script in CULTURES.values():
            names = given.split()
            self.cultures.append((names, syllables.split(), state, script))

    def person(self) -> dict:
        rng = self.rng
        given, syllables, state, script = rng.choice(self.cultures)
        weights = [1 / (rank + 1) for rank in range(len(given))]
        count = rng.choices([1, 2, 3], [5, 4, 1])[0]
        firsts = [
            rng.choices(given, weights)[0]
            if rng.random() < 0.6
            else "".join(rng.choices(syllables, k=rng.choice([2, 3]))) + rng.choice("AEIO")
            for _ in range(count)
        ]
        surname = "".join(rng.choices(syllables, k=rng.choice([2, 3, 3, 3, 4]))).capitalize()
        if rng.random() < 0.1:
            surname += "-" + "".join(rng.choices(syllables, k=2)).capitalize()
        day = rng.random()
        birth = PartialDate(rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28))
        if day < 0.15:
            birth = PartialDate(birth.year)
        sex = rng.choice("MF")
        return {
            "given": [g.capitalize() for g in firsts],
            "surname": surname,
            "script": script,
            "birth": birth,
            "state": state if rng.random() < 0.9 else rng.choice(STATES),
            "sex": sex,
        }


def written(person: dict, script: bool) -> str:
    name = " ".join(person["given"]) + " " + person["surname"]
    if script and person["script"]:
        return to_script(name, person["script"])
    return name


CYRILLIC = dict(zip("ABVGDEZIKLMNOPRSTUFH", "АБВГДЕЗИКЛМНОПРСТУФХ", strict=True))
GREEK = dict(zip("ABGDEZIKLMNXOPRSTYFH", "ΑΒΓΔΕΖΙΚΛΜΝΞΟΠΡΣΤΥΦΧ", strict=True))
ARABIC = dict(zip("BTJHDRZSFQKLMNWY", "بتجحدرزسفقكلمنوي", strict=True))


def to_script(name: str, script: str) -> str:
    upper = name.upper()
    if script == "cyrillic":
        return "".join(CYRILLIC.get(c, c) for c in upper.replace("SH", "Ш").replace("CH", "Ч"))
    if script == "greek":
        return "".join(GREEK.get(c, c) for c in upper)
    return "".join(ARABIC.get(c, "" if c in "AEIOU" else c) for c in upper)  # an abjad: no vowels


def synthetic_entries(count_names: int, rng: random.Random, people: People):
    """Yield (PersonEntry, person) until about `count_names` names are written."""
    written_names = 0
    number = 0
    while written_names < count_names:
        person = people.person()
        number += 1
        names = [Name(written(person, script=rng.random() < 0.3))]
        if rng.random() < 0.45:  # an alias: another spelling, or another name
            if rng.random() < 0.5:
                names.append(Name(typo(rng, written(person, script=False)), is_alias=True))
            else:
                other = people.person()
                names.append(Name(written(other, False), is_alias=True))
        written_names += len(names)
        dates = (person["birth"],) if rng.random() < 0.9 else ()
        entry = PersonEntry(
            f"SYN-{number}",
            tuple(names),
            birth_dates=dates,
            nationalities=(person["state"],) if rng.random() < 0.8 else (),
            sex=person["sex"] if rng.random() < 0.7 else "",
        )
        yield entry, person


def ofac_entries():
    """Yield OFAC SDN individuals: a minimal reader of sdn.csv and alt.csv (names, DOB)."""
    aliases: dict[str, list[str]] = {}
    with open(DATA / "ofac_2021-04_alt.csv", newline="", encoding="latin-1") as file:
        for row in csv.reader(file):
            if len(row) > 3:
                aliases.setdefault(row[0], []).append(row[3])
    with open(DATA / "ofac_2021-04_sdn.csv", newline="", encoding="latin-1") as file:
        for row in csv.reader(file):
            if len(row) < 12 or row[2].strip() != "individual":
                continue
            names = [Name(row[1])] + [Name(a, is_alias=True) for a in aliases.get(row[0], [])]
            dates = tuple(
                PartialDate(int(year)) for year in re.findall(r"DOB [^;]*?(\d{4})", row[11])
            )
            yield PersonEntry(f"OFAC-{row[0]}", tuple(names), birth_dates=dates[:3])


def typo(rng: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])
    kind = rng.choice(["delete", "substitute", "transpose", "double"])
    if kind == "delete":
        return text[:i] + text[i + 1 :]
    if kind == "substitute":
        return text[:i] + rng.choice("AEIOUNRSTL") + text[i + 1 :]
    if kind == "transpose" and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i] + text[i:]


def variant(rng: random.Random, entry: PersonEntry, person: dict | None, people: People):
    """Return a traveller who is the listed person, written differently, and what was done."""
    name = rng.choice(entry.names).full
    parts = [anyascii(p).upper() for p in re.split(r"[\s,]+", name) if p]
    kinds = rng.sample(
        ["typo", "order", "drop", "add", "truncate", "icao", "date", "swap", "nonat", "none"],
        k=2,
    )
    truncated = False
    if "icao" in kinds and not name.isascii():
        with contextlib.suppress(Exception):  # keep the plain form
            parts = transliterate(name).replace("<", " ").split()
    if "typo" in kinds:
        i = rng.randrange(len(parts))
        parts[i] = typo(rng, parts[i])
    if "drop" in kinds and len(parts) > 2:
        parts.pop(rng.randrange(1, len(parts) - 1))
    if "add" in kinds:
        parts.insert(1, rng.choice(people.cultures)[0][0])
    if "order" in kinds:
        rng.shuffle(parts)
    surname, given = parts[-1], parts[:-1]
    if "truncate" in kinds and given and len(given[-1]) > 4:
        given[-1] = given[-1][: rng.randint(2, len(given[-1]) - 1)]
        truncated = True
    birth = entry.birth_dates[0] if entry.birth_dates else None
    if birth and birth.day is None and person and rng.random() < 0.5:
        birth = PartialDate(birth.year, rng.randint(1, 12), rng.randint(1, 28))  # list knows less
    if birth and "date" in kinds and birth.day:
        birth = PartialDate(birth.year)
    if birth and "swap" in kinds and birth.day and birth.day <= 12:
        birth = PartialDate(birth.year, birth.day, birth.month)
    state = "" if "nonat" in kinds or not entry.nationalities else entry.nationalities[0]
    sex = entry.sex or rng.choice("MF")
    traveller = Traveller(surname, " ".join(given), birth, state, sex, name_truncated=truncated)
    return traveller, kinds


def stranger(rng: random.Random, people: People) -> Traveller:
    person = people.person()
    return Traveller(
        anyascii(person["surname"]).upper(),
        anyascii(" ".join(person["given"])).upper(),
        person["birth"] if person["birth"].day else PartialDate(person["birth"].year, 6, 15),
        person["state"],
        person["sex"],
    )


def documents(count: int, rng: random.Random):
    for i in range(count):
        number = "".join(rng.choices("ABCDEFGHJKLMNPRTUVWXY", k=2)) + f"{rng.randrange(10**7):07d}"
        yield DocumentEntry(f"D{i}", number, rng.choice(STATES) if i % 10 else "")


def ocr(rng: random.Random, number: str) -> str:
    swaps = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}
    places = [i for i, c in enumerate(number) if c in swaps]
    if not places:
        return number
    i = rng.choice(places)
    return number[:i] + swaps[number[i]] + number[i + 1 :]


def measure(fn, queries):
    times, results = [], []
    for query in queries:
        start = time.perf_counter()
        results.append(fn(query))
        times.append((time.perf_counter() - start) * 1000)
    return times, results


def report(label: str, times: list[float], recall: float, alerted: float, extra: str = "") -> str:
    return (
        f"{label:<22} p50 {percentile(times, 0.5):8.2f} ms  p99 {percentile(times, 0.99):8.2f} ms"
        f"  recall {recall:.4f}  non-listed alerted {alerted:.2%}{extra}"
    )


def folded(traveller: Traveller) -> str:
    return anyascii(f"{traveller.given_names} {traveller.surname}").upper()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=10_000_000)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--peer-sample", type=int, default=200)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rng = random.Random(SEED)
    people = People(rng)
    baseline = rss_mb()

    entries: list[PersonEntry] = list(ofac_entries())
    persons: list[dict | None] = [None] * len(entries)
    total = sum(len(entry.names) for entry in entries)
    for entry, person in synthetic_entries(args.names - total, rng, people):
        entries.append(entry)
        persons.append(person)
    names_total = sum(len(entry.names) for entry in entries)
    print(f"list: {len(entries):,} entries, {names_total:,} names "
          f"({total:,} from OFAC SDN individuals)")  # fmt: skip

    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    index = NameIndex.build(entries)
    build_names = time.perf_counter() - start
    gc.collect()
    names_mb = rss_mb() - before
    blob = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    start = time.perf_counter()
    pickle.loads(blob)
    load_names = time.perf_counter() - start
    print(f"name index: built in {build_names:.1f} s, {len(index.vocabulary):,} distinct parts, "
          f"RSS +{names_mb:.0f} MB, pickle {len(blob) / 2**20:.0f} MB "
          f"loads in {load_names:.2f} s")  # fmt: skip
    del blob

    listed, labels, kinds_of = [], [], []
    for _ in range(args.queries):
        position = rng.randrange(len(entries))
        traveller, kinds = variant(rng, entries[position], persons[position], people)
        listed.append(traveller)
        labels.append(position)
        kinds_of.append(kinds)
    strangers = [stranger(rng, people) for _ in range(args.queries)]

    def ours(traveller):
        return index.search(traveller, args.threshold)

    for traveller in listed[:200]:  # warm the caches a worker keeps between travellers
        ours(traveller)
    times_listed, results = measure(ours, listed)
    found = [
        label in {hit.entry for hit in hits} for label, hits in zip(labels, results, strict=True)
    ]
    times_strangers, stranger_results = measure(ours, strangers)
    alerted = sum(bool(hits) for hits in stranger_results) / len(strangers)
    times = times_listed + times_strangers
    recall = sum(found) / len(found)
    print(report(f"ours (NameIndex) >={args.threshold}", times, recall, alerted))
    for higher in (0.85, 0.88, 0.9, 0.92, 0.95):  # the same searches, a stricter list threshold
        if higher > args.threshold:
            recall_at = sum(
                any(hit.entry == label and hit.score >= higher for hit in hits)
                for label, hits in zip(labels, results, strict=True)
            ) / len(labels)
            alerted_at = sum(
                any(hit.score >= higher for hit in hits) for hits in stranger_results
            ) / len(strangers)
            print(f"  at threshold {higher}: recall {recall_at:.4f}, "
                  f"non-listed alerted {alerted_at:.2%}")  # fmt: skip
    missed: dict[str, int] = {}
    for ok, kinds in zip(found, kinds_of, strict=True):
        if not ok:
            for kind in kinds:
                missed[kind] = missed.get(kind, 0) + 1
    print(f"  misses by variation: {dict(sorted(missed.items()))}")

    # Documents
    entries_documents = documents(args.documents, random.Random(SEED + 1))
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    document_index = DocumentIndex.build(entries_documents)
    build_documents = time.perf_counter() - start
    gc.collect()
    documents_mb = rss_mb() - before
    sample = list(documents(min(args.documents, 200_000), random.Random(SEED + 1)))
    checks = []
    for i in range(args.queries):
        if i % 2:
            entry = rng.choice(sample)
            checks.append((ocr(rng, entry.number) if i % 4 == 1 else entry.number, entry, True))
        else:
            checks.append((f"Q{rng.randrange(10**8):08d}", None, False))
    document_times, document_results = measure(
        lambda check: document_index.search(check[0], check[1].issuing_state if check[1] else ""),
        checks,
    )
    document_recall = sum(
        any(hit.entry_ref == check[1].source_ref for hit in hits)
        for check, hits in zip(checks, document_results, strict=True)
        if check[2]
    ) / max(1, sum(check[2] for check in checks))
    print(f"document index: {len(document_index):,} numbers built in {build_documents:.1f} s, "
          f"RSS +{documents_mb:.0f} MB; check p50 {percentile(document_times, 0.5) * 1000:.1f} µs "
          f"p99 {percentile(document_times, 0.99) * 1000:.1f} µs, recall {document_recall:.4f} "
          f"(half with an OCR look-alike)")  # fmt: skip
    print(f"RSS with both lists: {rss_mb():.0f} MB (process baseline {baseline:.0f} MB, "
          f"includes the entries as Python objects)")  # fmt: skip

    # Peers, on a sample
    k = min(args.peer_sample, len(listed))
    sample_listed = list(zip(listed[:k], labels[:k], strict=True))
    sample_strangers = strangers[:k]
    ours_times = times_listed[:k] + times_strangers[:k]
    ours_recall = sum(found[:k]) / k
    ours_alerted = sum(bool(h) for h in stranger_results[:k]) / k
    print(report("ours, same sample", ours_times, ours_recall, ours_alerted))
    choices, owners = [], []
    for position, entry in enumerate(entries):
        for name in entry.names:
            choices.append(anyascii(name.full).upper().replace(",", " "))
            owners.append(position)
    for cutoff in (85, 90):

        def scan(traveller, cutoff=cutoff):
            return process.extract(
                folded(traveller), choices, scorer=fuzz.token_sort_ratio,
                score_cutoff=cutoff, limit=20,
            )  # fmt: skip

        peer_times, peer_results = measure(scan, [t for t, _ in sample_listed])
        peer_recall = (
            sum(
                label in {owners[i] for _, _, i in hits}
                for (_, label), hits in zip(sample_listed, peer_results, strict=True)
            )
            / k
        )
        stranger_times, stranger_hits = measure(scan, sample_strangers)
        peer_alerted = sum(bool(hits) for hits in stranger_hits) / k
        print(report(f"rapidfuzz scan >={cutoff}", peer_times + stranger_times, peer_recall,
                     peer_alerted, "  (token_sort_ratio)"))  # fmt: skip
    if not args.no_postgres:
        postgres(choices, owners, sample_listed, sample_strangers, k)


def postgres(choices, owners, sample_listed, sample_strangers, k) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        connection.execute(f"CREATE DATABASE {PG_DATABASE}")
    with psycopg.connect(f"{PG_SERVER}/{PG_DATABASE}", autocommit=True) as connection:
        start = time.perf_counter()
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        connection.execute("CREATE TABLE names (entry int, name text)")
        with connection.cursor().copy("COPY names (entry, name) FROM STDIN") as copy:
            for owner, name in zip(owners, choices, strict=True):
                copy.write_row((owner, name))
        connection.execute("CREATE INDEX names_trgm ON names USING gin (name gin_trgm_ops)")
        connection.execute("ANALYZE names")
        print(f"pg_trgm: loaded and indexed in {time.perf_counter() - start:.1f} s")
        for limit in (0.5, 0.6):
            connection.execute(f"SET pg_trgm.similarity_threshold = {limit}")

            def query(traveller):
                rows = connection.execute(
                    "SELECT entry FROM names WHERE name %% %s "
                    "ORDER BY similarity(name, %s) DESC LIMIT 20",
                    (folded(traveller), folded(traveller)),
                )
                return {row[0] for row in rows}

            times, results = measure(query, [t for t, _ in sample_listed])
            recall = (
                sum(label in hits for (_, label), hits in zip(sample_listed, results, strict=True))
                / k
            )
            stranger_times, stranger_results = measure(query, sample_strangers)
            alerted = sum(bool(hits) for hits in stranger_results) / k
            print(report(f"pg_trgm >={limit}", times + stranger_times, recall, alerted))


if __name__ == "__main__":
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    main()
