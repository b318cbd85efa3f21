"""Benchmark of the screening engine against a rapidfuzz full scan and PostgreSQL pg_trgm.

Builds a person list of --names names (the people of the UN list and of OFAC's SDN and
consolidated lists in shared/, read by our importers' readers, plus synthetic people of ten naming
cultures, some written in Cyrillic, Greek or Arabic script, with aliases) and a document list of
--documents numbers; then a labelled query set: --queries variants of listed people (typos,
transliterations, parts in another order, middle names dropped or added, MRZ truncation,
diacritics dropped, partial or swapped birth dates, nationality missing) and --queries travellers
on no list. It prints the build time, memory (RSS), p50/p99 per traveller at --threshold, recall
and the share of non-listed travellers alerted at several list thresholds (with the namesakes
apart: a non-listed traveller whose name is a listed person's, where the list gives no birth
date or one that agrees, is alerted by any engine that finds people by name), and the same
figures for a rapidfuzz full scan (process.extract over every name) and pg_trgm similarity with
a GIN index, on a sample of --peer-sample queries of each kind.

    .venv/bin/python bench/screening.py    # 1,000,000 names, 10,000,000 documents
    .venv/bin/python bench/screening.py --names 100000 --documents 1000000 --queries 2000
"""

import argparse
import contextlib
import dataclasses
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
    sources,
)
from domain.screening.collector import collector_paused  # noqa: E402
from domain.screening.evidence import date_outcome, pack  # noqa: E402
from domain.screening.names import tokens  # noqa: E402

DATA = Path("/work/shared/data/watchlists")
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "openbmis_screening_bench"
SEED = 2026
TABLE = (0.8, 0.85, 0.88, 0.9, 0.92, 0.95)  # list thresholds the accuracy is given at
STATES = ["HTI", "DOM", "USA", "FRA", "CAN", "IRQ", "SYR", "RUS", "UKR", "CHN", "NGA", "MEX",
          "COL", "DEU", "GRC", "PAK", "IND", "SEN", "EGY", "BRA"]  # fmt: skip
# Ten naming cultures: common given names and surnames as people of that culture are named
# (drawn with Zipf weights, as real names are), the nationality, and the script some lists write
# them in. A third of the people have a rarer name, made by a letter model of the culture's own
# names (People.rare), so that the list's vocabulary grows with its size as real ones do.
CULTURES = {
    "arabic": ("MOHAMMED AHMED ALI OMAR YUSUF IBRAHIM KHALID HASSAN HUSSEIN ABDULLAH MAHMOUD TARIQ "
               "KARIM SAMIR WALID FATIMA AISHA MARYAM ZAINAB KHADIJA LAYLA NOUR HAMZA SALEH FAISAL "
               "MUSTAFA JAMAL NASSER RASHID SAEED ADNAN BASSAM ZIAD RANIA HIND SALMA",
               "ALI HASSAN HUSSEIN IBRAHIM ABBAS AHMED SALEH KHALIL HAMDAN JABER MANSOUR NASSER "
               "QASIM RASHID SHAMMARI TAMIMI ZUBAIDI OBEIDI JUBOURI DULAIMI HADDAD NAJJAR KHATIB "
               "MASRI HALABI TIKRITI ANSARI AZZAWI BAKR FARHAN", "IRQ", "arabic"),
    "hispanic": ("JOSE JUAN CARLOS LUIS MIGUEL JORGE PEDRO ANTONIO MARIA ANA LUCIA CARMEN ROSA "
                 "ISABEL SOFIA DIEGO ALEJANDRO FERNANDO RAFAEL MANUEL FRANCISCO JAVIER RAMON "
                 "GUADALUPE PATRICIA ELENA VICTOR RICARDO EDUARDO ANDRES",
                 "GARCIA MARTINEZ RODRIGUEZ LOPEZ HERNANDEZ GONZALEZ PEREZ SANCHEZ RAMIREZ TORRES "
                 "FLORES RIVERA GOMEZ DIAZ MORALES REYES CRUZ ORTIZ GUTIERREZ CHAVEZ RAMOS VARGAS "
                 "CASTILLO JIMENEZ MORENO ROMERO ALVAREZ MENDOZA RUIZ HERRERA", "COL", ""),
    "anglo": ("JOHN JAMES ROBERT MICHAEL WILLIAM DAVID RICHARD MARY PATRICIA JENNIFER LINDA "
              "ELIZABETH SUSAN SARAH THOMAS CHARLES CHRISTOPHER DANIEL MATTHEW ANTHONY MARK "
              "DONALD STEVEN PAUL ANDREW JOSHUA KAREN NANCY BETTY HELEN",
              "SMITH JOHNSON WILLIAMS BROWN JONES MILLER DAVIS WILSON ANDERSON TAYLOR THOMAS MOORE "
              "JACKSON MARTIN THOMPSON WHITE HARRIS CLARK LEWIS ROBINSON WALKER YOUNG ALLEN KING "
              "WRIGHT SCOTT HILL GREEN ADAMS BAKER", "USA", ""),
    "haitian": ("JEAN PIERRE JACQUES MARIE ROSE NADEGE ROODY WOODLEY LOUIS JOSEPH FRANTZ GUERLINE "
                "MIRLANDE STEVENSON JUDITH ESTHER WIDNY JUNIOR FRITZ MICHELINE CLAUDETTE YVES "
                "ERNST WILNER DAVIDSON NATACHA LOVELY JOCELYNE MACKENSON DIEUNA",
                "JOSEPH PIERRE JEAN LOUIS CHARLES BAPTISTE AUGUSTIN DESTIN VALCE ETIENNE FRANCOIS "
                "ALEXIS THERMIDOR DORVAL CADET DORSAINVIL PAUL MICHEL NOEL GERMAIN THELUSMA "
                "CELESTIN DESIR JOACHIM LAGUERRE PROPHETE ESTIME SAINTIL FLEURANT DORMEUS", "HTI",
                ""),
    "slavic": ("YURI ALEXEI DMITRI SERGEI IVAN NIKOLAI VLADIMIR OLGA TATIANA NATALIA IRINA "
               "SVETLANA ANNA MIKHAIL ANDREI PAVEL OLEG VIKTOR BORIS EKATERINA YELENA MARINA "
               "GALINA LYUDMILA ROMAN MAXIM KONSTANTIN VADIM IGOR",
               "IVANOV SMIRNOV KUZNETSOV POPOV VASILIEV PETROV SOKOLOV MIKHAILOV NOVIKOV FEDOROV "
               "MOROZOV VOLKOV ALEKSEEV LEBEDEV SEMENOV EGOROV PAVLOV KOZLOV STEPANOV NIKOLAEV "
               "ORLOV ANDREEV MAKAROV NIKITIN ZAKHAROV ZAITSEV SOLOVYOV BORISOV YAKOVLEV "
               "GRIGORIEV", "RUS", "cyrillic"),
    "chinese": ("WEI FANG LI NA MIN JING LEI YONG JIE XIU YING HUI QIANG JUN TAO MING HONG XIA "
                "YAN PING GANG HAO XIN YU LAN",
                "WANG LI ZHANG LIU CHEN YANG HUANG ZHAO WU ZHOU XU SUN MA ZHU HU GUO HE GAO LIN "
                "LUO ZHENG LIANG XIE SONG TANG HAN FENG DENG CAO", "CHN", ""),
    "westafrican": ("OLUWASEUN CHINEDU ADEBAYO NGOZI AMINATA MAMADOU IBRAHIMA FATOUMATA OUSMANE "
                    "ABDOULAYE AISSATOU MOUSSA EMEKA CHIAMAKA BABAJIDE FOLASADE KWAME AKOSUA "
                    "YAW ADWOA SEYDOU MARIAMA BOUBACAR KADIATOU TUNDE",
                    "DIALLO DIOP NDIAYE OKAFOR ADEYEMI OKONKWO BALDE TRAORE SY SOW CISSE KEITA "
                    "CAMARA TOURE COULIBALY OBI EZE NWOSU ADEBAYO BELLO MENSAH OWUSU BOATENG "
                    "ASANTE OKEKE FAYE GUEYE FALL KANE", "SEN", ""),
    "german": ("HANS PETER KLAUS JURGEN UWE DIETER GUNTER SABINE URSULA MONIKA KARIN STEFAN "
               "WOLFGANG MICHAEL THOMAS ANDREAS FRANK BERND HELGA GISELA RENATE BRIGITTE MARKUS "
               "TOBIAS JORG",
               "MÜLLER SCHMIDT SCHNEIDER FISCHER WEBER MEYER WAGNER BECKER SCHULZ HOFFMANN "
               "SCHÄFER KOCH BAUER RICHTER KLEIN WOLF SCHRÖDER NEUMANN SCHWARZ ZIMMERMANN BRAUN "
               "KRÜGER HOFMANN HARTMANN LANGE SCHMITT WERNER KRAUSE MEIER LEHMANN", "DEU", ""),
    "greek": ("GEORGIOS DIMITRIOS KONSTANTINOS IOANNIS NIKOLAOS MARIA ELENI AIKATERINI SOFIA "
              "VASILEIOS CHRISTOS PANAGIOTIS ATHANASIOS EVANGELOS ANNA GEORGIA DESPOINA ANGELIKI "
              "MICHAIL SPYRIDON",
              "PAPADOPOULOS PAPADAKIS GEORGIOU NIKOLAIDIS KARAMANLIS ALEXANDROU OIKONOMOU "
              "PAPAGEORGIOU VASILEIOU IOANNOU KONSTANTINIDIS DIMITRIOU MAKRIS PAPPAS ANTONIOU "
              "CHRISTODOULOU KARAGIANNIS THEODOROU MICHAILIDIS ANAGNOSTOPOULOS", "GRC", "greek"),
    "southasian": ("MUHAMMAD IMRAN ASIF RAHUL AMIT PRIYA SUNITA AYESHA BILAL FARHAN SANJAY RAJESH "
                   "USMAN ZAHID NADEEM SHAHID SAIMA NAZIA ANIL SURESH DEEPAK KAVITA",
                   "KHAN SHARMA PATEL SINGH QURESHI CHAUDHRY MALIK RANA BUTT AHMED IQBAL HUSSAIN "
                   "SHAH AWAN JAVED MIRZA GUPTA KUMAR VERMA REDDY NAIR IYER", "PAK", ""),
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
    """Synthetic people of the naming cultures above.

    A common name is drawn from the culture's list with Zipf weights; the others (the long tail
    that holds most people in real populations: the 30 commonest surnames cover some 10-20 % of
    people in most countries, the 30 commonest given names some 30-40 %) come from a letter
    model of the culture's names. Chinese surnames are the exception: a few cover most people.
    """

    COMMON = {"given": 0.4, "surname": 0.2}
    COMMON_SURNAMES = {"CHN": 0.7}

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cultures = []
        for given, surnames, state, script in CULTURES.values():
            given, surnames = given.split(), surnames.split()
            letters = _letter_model(given + surnames)
            self.cultures.append((given, surnames, state, script, letters))

    def person(self) -> dict:
        rng = self.rng
        given, surnames, state, script, letters = rng.choice(self.cultures)
        count = rng.choices([1, 2, 3], [5, 4, 1])[0]
        firsts = [self.name(given, letters, self.COMMON["given"]) for _ in range(count)]
        common = self.COMMON_SURNAMES.get(state, self.COMMON["surname"])
        surname = self.name(surnames, letters, common)
        if rng.random() < 0.1:
            surname += "-" + self.name(surnames, letters, common)
        birth = PartialDate(rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.15:
            birth = PartialDate(birth.year)
        return {
            "given": [g.capitalize() for g in firsts],
            "surname": surname.capitalize(),
            "script": script,
            "birth": birth,
            "state": state if rng.random() < 0.9 else rng.choice(STATES),
            "sex": rng.choice("MF"),
        }

    def name(self, common: list[str], letters: dict, share: float = 0.4) -> str:
        """Return a common name (Zipf weights) with probability `share`, else a rarer one."""
        rng = self.rng
        if rng.random() < share:
            return rng.choices(common, _zipf(len(common)))[0]
        while True:
            name = _rare(rng, letters)
            if 4 <= len(name) <= 12 and name not in common:
                return name


def _zipf(count: int) -> list[float]:
    return [1 / (rank + 1) for rank in range(count)]


def _letter_model(names: list[str]) -> dict[str, list[str]]:
    """Return, for every two letters of the culture's names, the letters that follow them."""
    model: dict[str, list[str]] = {}
    for name in names:
        padded = "^^" + name + "$"
        for i in range(2, len(padded)):
            model.setdefault(padded[i - 2 : i], []).append(padded[i])
    return model


def _rare(rng: random.Random, model: dict[str, list[str]]) -> str:
    """Return a name the letter model writes: new, but spelled as the culture spells."""
    name = "^^"
    while len(name) < 16:
        following = rng.choice(model[name[-2:]])
        if following == "$":
            break
        name += following
    return name[2:]


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
        dates = (person["birth"],) if rng.random() < 0.96 else ()  # as on the UN and OFAC lists
        entry = PersonEntry(
            f"SYN-{number}",
            tuple(names),
            birth_dates=dates,
            nationalities=(person["state"],) if rng.random() < 0.8 else (),
            sex=person["sex"] if rng.random() < 0.7 else "",
        )
        yield entry, person


def real_entries():
    """Yield the people of the real lists in shared/, read by the importers' readers."""
    files = [
        ("UN", "un-xml", ["un_sc_consolidated_2024-09-26.xml"]),
        (
            "SDN",
            "ofac-csv",
            ["ofac_2021-04_sdn.csv", "ofac_2021-04_alt.csv", "ofac_2021-04_add.csv"],
        ),
        ("CONS", "ofac-xml", ["ofac_consolidated_nonsdn_2024-05-06.xml"]),
    ]
    for prefix, format, names in files:
        for entry in sources.read(format, [DATA / name for name in names]):
            if isinstance(entry, PersonEntry):
                yield dataclasses.replace(entry, source_ref=f"{prefix}-{entry.source_ref}")


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
        given, _, _, _, letters = rng.choice(people.cultures)
        parts.insert(1, people.name(given, letters).upper())
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


def namesakes_of(strangers: list[Traveller], entries: list[PersonEntry]) -> list[bool]:
    """Return, for each non-listed traveller, whether only the name could tell them apart from
    someone listed: the same name parts, and a birth date on the list that agrees with theirs
    (the same year where the list gives only the year) or none at all.

    Any engine that finds listed people by their name alerts these travellers, and should.
    """

    def key(text: str) -> tuple[str, ...]:
        return tuple(sorted(forms[0].text for forms in tokens(text)))

    wanted = {key(f"{t.surname} {t.given_names}") for t in strangers}
    found: dict[tuple[str, ...], list] = {}
    for entry in entries:
        for name in entry.names:
            name_key = key(name.full)
            if name_key in wanted:
                found.setdefault(name_key, []).append(entry.birth_dates)

    def agrees(traveller: Traveller, dates: tuple[PartialDate, ...]) -> bool:
        if not dates:
            return True
        mine = pack(traveller.birth_date)
        return any(date_outcome(mine, pack(date)) != "mismatch" for date in dates)

    return [
        any(agrees(t, dates) for dates in found.get(key(f"{t.surname} {t.given_names}"), ()))
        for t in strangers
    ]


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
    """Time `fn` on each query as a worker runs a search: the garbage collector paused, and
    catching up after the search (outside the time: bmis/watchlist/screening.py)."""
    times, results = [], []
    for query in queries:
        with collector_paused():
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
    parser.add_argument("--threshold", type=float, default=0.9, help="the timed searches'")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rng = random.Random(SEED)
    people = People(rng)
    baseline = rss_mb()

    entries: list[PersonEntry] = list(real_entries())
    persons: list[dict | None] = [None] * len(entries)
    total = sum(len(entry.names) for entry in entries)
    for entry, person in synthetic_entries(args.names - total, rng, people):
        entries.append(entry)
        persons.append(person)
    names_total = sum(len(entry.names) for entry in entries)
    print(f"list: {len(entries):,} entries, {names_total:,} names "
          f"({total:,} from the UN list and OFAC's SDN and consolidated lists)")  # fmt: skip

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

    # The list's entries and the queries, as Python objects, would make each of the collector's
    # full collections take a quarter of a second; a worker holds neither, and freezes what it
    # holds once it has loaded an index (bmis/watchlist/screening.py), as the bench does here.
    gc.collect()
    gc.freeze()

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
    dated = [time for time, traveller in zip(times, listed + strangers, strict=True)
             if traveller.birth_date]  # fmt: skip
    print(f"  the {len(dated):,} travellers with a birth date, as every one at a counter: "
          f"p50 {percentile(dated, 0.5):.2f} ms, p99 {percentile(dated, 0.99):.2f} ms")  # fmt: skip

    # Accuracy at other list thresholds: the same travellers searched once more at the lowest
    # (untimed), each threshold keeping the hits that reach it.
    namesakes = namesakes_of(strangers, entries)
    share = sum(namesakes) / len(strangers)
    print(f"  {share:.2%} of non-listed travellers have a listed namesake: the same name parts, "
          "on the list with no birth date or one that agrees")  # fmt: skip
    lowest = min(TABLE)
    listed_hits = [index.search(traveller, lowest) for traveller in listed]
    stranger_hits = [index.search(traveller, lowest) for traveller in strangers]
    full_dates = [any(date.day for date in entry.birth_dates) for entry in entries]
    for threshold in TABLE:
        recall_at = sum(
            any(hit.entry == label and hit.score >= threshold for hit in hits)
            for label, hits in zip(labels, listed_hits, strict=True)
        ) / len(labels)
        alerts = [[hit for hit in hits if hit.score >= threshold] for hits in stranger_hits]
        alerted_at = sum(bool(hits) for hits in alerts) / len(strangers)
        others = [hits for hits, namesake in zip(alerts, namesakes, strict=True) if not namesake]
        on_dated = sum(bool(hits) and full_dates[hits[0].entry] for hits in others)
        rest = sum(map(bool, others)) / len(strangers)
        print(f"  at threshold {threshold}: recall {recall_at:.4f}, non-listed alerted "
              f"{alerted_at:.2%}; leaving namesakes out {rest:.2%} (of which on an entry "
              f"with a whole birth date {on_dated / len(strangers):.2%})")  # fmt: skip
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
