"""A worker's screening indexes: an overlay of what changed, a rebuild in a thread, files."""

import fcntl
import os
import pickle
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import translation

from bmis.watchlist import screening, services
from bmis.watchlist.models import WatchList
from domain.screening import DocumentIndex, NameIndex, PartialDate, Traveller
from domain.screening.documents import VERSION as DOCUMENT_ENGINE
from domain.screening.index import VERSION as NAME_ENGINE

DATA = Path(__file__).resolve().parents[3] / "domain" / "screening" / "tests" / "data" / "sources"
DORSAINVIL = Traveller("DORSAINVIL", "JEAN BAPTISTE", PartialDate(1975, 3, 14))
DEZIR = Traveller("DEZIR", "MARIE ANGE", PartialDate(1975, 11))


def new_process():
    """Forget every index held in memory, as a worker process that has just started."""
    screening._bases.clear()
    screening._views.clear()


@pytest.fixture(autouse=True)
def index_dir(settings, tmp_path):
    settings.BMIS_INDEX_DIR = tmp_path / "indexes"
    new_process()
    yield settings.BMIS_INDEX_DIR
    new_process()


@pytest.fixture
def builds(monkeypatch):
    """Return the codes of the lists whose full index is built, as they are built."""
    built = []
    build = screening._build

    def counted(watchlist):
        built.append(watchlist.code)
        return build(watchlist)

    monkeypatch.setattr(screening, "_build", counted)
    return built


@pytest.fixture
def indexed(monkeypatch):
    """Return how many entries each index built (a full one or an overlay) was given."""
    sizes = []
    for engine in (NameIndex, DocumentIndex):

        def build(cls, entries, original=engine.build.__func__):
            entries = list(entries)
            sizes.append(len(entries))
            return original(cls, entries)

        monkeypatch.setattr(engine, "build", classmethod(build))
    return sizes


def make_list(code="WANTED", kind="persons"):
    return services.watchlist_save(
        actor=None,
        code=code,
        name=f"List {code}",
        kind=kind,
        owner="Police nationale",
        action="arrest",
        priority="high",
        threshold=0.85,
    )


def add_person(watchlist, ref, name, birth, row=None):
    entry = services.person_entry(source_ref=ref, names=[name], birth_dates=[birth])
    return services.entry_save(actor=None, watchlist=watchlist, entry=entry, row=row)


def add_document(watchlist, number):
    entry = services.document_entry(source_ref="", number=number, issuing_state="", status="stolen")
    return services.entry_save(actor=None, watchlist=watchlist, entry=entry)


def deactivate(row):
    services.entry_set_active(actor=None, row=row, active=False, reason="Withdrawn by the source")


def found(traveller):
    return [(hit.entry_id, hit.score, hit.explanation) for hit in screening.screen(traveller)]


def ids(traveller):
    return [hit.entry_id for hit in screening.screen(traveller)]


def files(index_dir):
    """Return the names of the index files written (not the lock files beside them)."""
    return sorted(path.name for path in index_dir.iterdir() if not path.name.startswith("."))


def rebuilt(traveller, index_dir):
    """Return what a full index built now from the database finds."""
    new_process()
    for path in index_dir.iterdir():
        path.unlink()
    return found(traveller)


def test_an_entry_added_after_the_index_was_built_is_found_at_once(db, builds, indexed):
    wanted = make_list()
    first = add_person(wanted, "R1", "Jean-Baptiste Dorsainvil", "1975-03-14")
    assert ids(DORSAINVIL) == [str(first.pk)]
    second = add_person(wanted, "R2", "Marie-Ange Dézir", "1975-11")
    assert ids(DEZIR) == [str(second.pk)]
    assert ids(DORSAINVIL) == [str(first.pk)]
    assert builds == ["WANTED"]
    assert indexed == [1, 1]  # the full index, then an overlay of the new entry alone


def test_an_edited_entry_is_scored_as_it_now_reads(db, builds, index_dir):
    wanted = make_list()
    row = add_person(wanted, "R1", "Jean-Baptiste Dorsainvil", "1975-03-14")
    add_person(wanted, "R2", "Marie-Ange Dézir", "1975-11")
    traveller = Traveller("DORSAINVIL", "JEAN", PartialDate(1975, 3, 14))
    assert [score for _, score, _ in found(traveller)] == [1.0]
    add_person(wanted, "R1", "Jean-Baptiste Dorsainvil", "1975", row=row)
    after = found(traveller)
    assert [entry for entry, _, _ in after] == [str(row.pk)] and after[0][1] < 1.0
    assert after[0][2].fields[0].outcome == "partial"  # the date of birth, as far as known
    assert builds == ["WANTED"]
    assert after == rebuilt(traveller, index_dir)


def test_a_deactivated_entry_is_no_longer_hit_and_is_found_again_once_reactivated(db, builds):
    wanted = make_list()
    row = add_person(wanted, "R1", "Jean-Baptiste Dorsainvil", "1975-03-14")
    assert ids(DORSAINVIL) == [str(row.pk)]
    deactivate(row)
    assert ids(DORSAINVIL) == []
    services.entry_set_active(actor=None, row=row, active=True, reason="Listed again")
    assert ids(DORSAINVIL) == [str(row.pk)]
    assert builds == ["WANTED"]


def test_an_overlay_on_many_changes_finds_what_a_full_index_finds(db, builds, index_dir):
    wanted = make_list()
    services.watchlist_import(
        actor=None, watchlist=wanted, format="csv", paths=DATA / "persons.csv"
    )
    screening.screen(DORSAINVIL)
    rows = [
        add_person(wanted, ref, name, "1975-03-14")
        for ref, name in [
            ("R1", "Jean-Baptiste Dorsainvil"),
            ("R2", "Jean Dorsainville"),
            ("R3", "Marie-Ange Dézir"),
        ]
    ]
    deactivate(rows[1])
    add_person(wanted, "R3", "Marie Ange Dezir", "1975-11", row=rows[2])
    travellers = [
        DORSAINVIL,
        DEZIR,  # the imported entry and the one added by hand, then edited
        Traveller("PIERRE", "JEAN BAPTISTE", PartialDate(1980, 3, 14)),
        Traveller("MUELLER", "HANS"),
        Traveller("ZHANG", "WEI", PartialDate(1969)),
        Traveller("DORSAINVILLE", "JEAN"),  # deactivated
    ]
    overlaid = [found(traveller) for traveller in travellers]
    assert builds == ["WANTED"]
    assert [len(hits) for hits in overlaid] == [1, 2, 1, 1, 1, 0]
    assert overlaid == [rebuilt(traveller, index_dir) for traveller in travellers]


def test_a_second_process_loads_the_index_instead_of_building_it(db, builds, index_dir):
    wanted = make_list()
    row = add_person(wanted, "R1", "Jean-Baptiste Dorsainvil", "1975-03-14")
    first = found(DORSAINVIL)
    assert files(index_dir) == [f"{wanted.pk}-v2-names{NAME_ENGINE}.pickle"]
    new_process()
    assert found(DORSAINVIL) == first
    assert builds == ["WANTED"]
    # A file older than the list is a base too: the process overlays what changed since.
    second = add_person(wanted, "R2", "Marie-Ange Dézir", "1975-11")
    deactivate(row)
    new_process()
    assert ids(DEZIR) == [str(second.pk)]
    assert ids(DORSAINVIL) == []
    assert builds == ["WANTED"]


def wrong_version():
    index = NameIndex.build([])
    index.version = 99  # written by another version of the engine
    return pickle.dumps({"format": 1, "version": 2, "index": index})


@pytest.mark.parametrize(
    "contents",
    [
        b"not a pickle at all",
        pickle.dumps({"format": 1, "version": 2})[:-3],  # cut short by a power cut
        pickle.dumps(["a list", "not an index"]),
        wrong_version(),
    ],
    ids=["garbage", "truncated", "foreign", "engine-version"],
)
def test_an_unreadable_index_file_is_ignored_and_rebuilt(db, builds, index_dir, caplog, contents):
    wanted = make_list()
    row = add_person(wanted, "R1", "Jean-Baptiste Dorsainvil", "1975-03-14")
    path = index_dir / f"{wanted.pk}-v2-names{NAME_ENGINE}.pickle"
    index_dir.mkdir()
    path.write_bytes(contents)
    assert ids(DORSAINVIL) == [str(row.pk)]
    assert builds == ["WANTED"]
    assert f"Screening index {path.name} ignored" in caplog.text
    new_process()
    assert ids(DORSAINVIL) == [str(row.pk)]
    assert builds == ["WANTED"]  # the rebuilt index was written in its place


def test_document_lists_are_overlaid_and_loaded_too(db, builds, indexed, index_dir):
    sltd = make_list("SLTD", "documents")
    stolen = add_document(sltd, "L898902C3")
    by_number = Traveller("", document_number="L8989O2C3", document_country="UTO")
    assert ids(by_number) == [str(stolen.pk)]
    later = add_document(sltd, "HA0012345")
    deactivate(stolen)
    assert ids(by_number) == []
    assert ids(Traveller("", document_number="HA0012345")) == [str(later.pk)]
    new_process()
    assert ids(Traveller("", document_number="HA0012345")) == [str(later.pk)]
    assert ids(by_number) == []
    assert builds == ["SLTD"]
    assert indexed == [1, 1, 1]  # the full index, then overlays of the new entry alone
    assert files(index_dir) == [f"{sltd.pk}-v2-documents{DOCUMENT_ENGINE}.pickle"]


@pytest.mark.django_db(transaction=True)
def test_a_large_change_is_rebuilt_in_a_thread_and_swapped_in(builds, index_dir, monkeypatch):
    monkeypatch.setattr(screening, "REBUILD_AFTER", 2)
    release = threading.Event()
    build = screening._build
    test = threading.current_thread()

    def held(watchlist):  # the thread's build waits until the test lets it go
        if threading.current_thread() is not test:
            assert release.wait(10)
        return build(watchlist)

    monkeypatch.setattr(screening, "_build", held)
    wanted = make_list()
    add_person(wanted, "R1", "Jean-Baptiste Dorsainvil", "1975-03-14")
    screening.screen(DORSAINVIL)
    added = [
        add_person(wanted, f"N{n}", name, "1975-11")
        for n, name in enumerate(["Marie-Ange Dézir", "Wilfrid Toussaint", "Rose-Carmelle Joseph"])
    ]
    assert ids(DEZIR) == [str(added[0].pk)]  # from the overlay, while the thread builds
    thread = screening._rebuilds[str(wanted.pk)]
    assert thread.is_alive()
    add_person(wanted, "N4", "Marie Ange Dezir", "1975-11")
    overlaid = found(DEZIR)
    assert len(overlaid) == 2
    assert screening._rebuilds[str(wanted.pk)] is thread  # never two at once
    release.set()
    thread.join(10)
    assert not thread.is_alive()
    assert builds == ["WANTED", "WANTED"]
    current = WatchList.objects.get(pk=wanted.pk)
    assert screening._bases[str(wanted.pk)].version == current.version
    assert not screening.index_of(current).changed  # the new base needs no overlay
    assert found(DEZIR) == overlaid
    assert files(index_dir) == [f"{wanted.pk}-v{current.version}-names{NAME_ENGINE}.pickle"]


def test_the_import_command_writes_the_index_for_the_workers(db, builds, index_dir):
    make_list("UN-SC")
    out = StringIO()
    arguments = ["--format", "csv", "--list", "UN-SC", "--no-rescreen", DATA / "persons.csv"]
    with translation.override("en"):
        call_command("watchlist_import", *map(str, arguments), stdout=out, stderr=StringIO())
    assert "Screening index of UN-SC at version 2 written for the workers." in out.getvalue()
    new_process()
    assert len(ids(DEZIR)) == 1
    assert builds == ["UN-SC"]  # by the command; the worker loaded it


@pytest.mark.django_db(transaction=True)
def test_a_worker_waits_for_another_building_the_same_index_and_loads_it(builds, index_dir):
    wanted = make_list()
    add_person(wanted, "R1", "Jean-Baptiste Dorsainvil", "1975-03-14")
    index_dir.mkdir(parents=True, exist_ok=True)
    # Another worker is building the list's index: it holds the lock.
    other = os.open(index_dir / f".{wanted.pk}.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(other, fcntl.LOCK_EX)
    hits = []

    def screen():  # as a worker's request, with a database connection of its own
        try:
            hits.append(found(DORSAINVIL))
        finally:
            connections.close_all()

    waiting = threading.Thread(target=screen)
    waiting.start()
    waiting.join(0.5)
    assert waiting.is_alive()  # it waits rather than building the same index too
    assert builds == []
    screening._write(wanted, screening._build(wanted))  # what the other worker writes
    os.close(other)
    waiting.join(10)
    assert not waiting.is_alive()
    assert builds == ["WANTED"]  # the other worker's build only: this one loaded the file
    assert len(hits[0]) == 1
    assert files(index_dir) == [f"{wanted.pk}-v2-names{NAME_ENGINE}.pickle"]


def test_without_a_folder_for_the_lock_a_worker_builds_its_own(db, builds, settings, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    settings.BMIS_INDEX_DIR = blocker / "indexes"  # cannot be made
    wanted = make_list()
    add_person(wanted, "R1", "Jean-Baptiste Dorsainvil", "1975-03-14")
    assert len(found(DORSAINVIL)) == 1
    assert builds == ["WANTED"]
