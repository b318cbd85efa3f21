"""The pull cursor never skips a change, even when transactions commit out of order."""

import threading

import pytest
from django.db import connection, connections, transaction

from bmis.reference.models import TravelPurpose
from bmis.sync import feed
from bmis.sync.models import Change
from bmis.sync.tests.conftest import settled


def _write(name: str, count: int, barrier: threading.Barrier) -> None:
    try:
        barrier.wait()
        for i in range(count):
            with transaction.atomic():
                TravelPurpose.objects.create(code=f"{name}{i}", name_fr="x", name_en="x",
                                             name_ht="x", name_es="x")  # fmt: skip
    finally:
        connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
@pytest.mark.django_db(transaction=True)
def test_a_reader_pulling_while_four_writers_commit_misses_nothing():
    barrier = threading.Barrier(5)
    writers = [threading.Thread(target=_write, args=(f"W{n}-", 150, barrier)) for n in range(4)]
    for writer in writers:
        writer.start()
    barrier.wait()
    seen, txid, seq = [], 0, 0
    while any(writer.is_alive() for writer in writers) or (batch := feed.changes_after(txid, seq)):
        for change in feed.changes_after(txid, seq, limit=7):
            seen.append(change.seq)
            txid, seq = change.txid, change.seq
    for writer in writers:
        writer.join()
    settled()
    while batch := feed.changes_after(txid, seq):
        seen += [change.seq for change in batch]
        txid, seq = batch[-1].txid, batch[-1].seq
    wanted = set(
        Change.objects.filter(table="reference_travelpurpose").values_list("seq", flat=True)
    )
    assert len(wanted) == 600
    assert wanted <= set(seen)
    assert len(seen) == len(set(seen))  # nothing twice either


def _hold_open(started: threading.Event, release: threading.Event) -> None:
    """A transaction that stays open (a long import, a report) until `release`."""
    try:
        with transaction.atomic():
            TravelPurpose.objects.create(code="LONG", name_fr="x", name_en="x", name_ht="x",
                                         name_es="x")  # fmt: skip
            started.set()
            release.wait(30)
    finally:
        connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_is_told_what_a_running_transaction_holds_back(oua):
    from bmis.sync.models import NodeLink

    started, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_open, args=(started, release))
    holder.start()
    try:
        assert started.wait(10)
        TravelPurpose.objects.create(code="LATER", name_fr="x", name_en="x", name_ht="x",
                                     name_es="x")  # committed, behind the open one  # fmt: skip
        link = NodeLink.objects.create(post=oua, epoch=1)
        answer = feed.pull_serve(link=link, cursor={}, restoring=True)
        assert answer["held"] and not answer["more"]
        assert "LATER" not in {r["id"] for r in answer["records"]}
        assert not feed.pull_serve(link=link, cursor={}, restoring=False)["held"]  # not asked
    finally:
        release.set()
        holder.join()
    settled()
    answer = feed.pull_serve(link=link, cursor={}, restoring=True)
    assert not answer["held"]
    assert {"LONG", "LATER"} <= {r["id"] for r in answer["records"]}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one database a file")
@pytest.mark.django_db(transaction=True)
def test_a_transaction_running_in_another_database_of_the_server_holds_nothing_back():
    """A load, a restore or a test run in another database cannot write this change log: the
    posts' pulls and the statistics do not wait for it (one in this database, above, does)."""
    import psycopg

    server = connection.settings_dict
    other = psycopg.connect(
        host=server["HOST"],
        port=server["PORT"],
        user=server["USER"],
        password=server["PASSWORD"] or None,
        dbname="postgres",
    )
    try:
        running = other.execute("SELECT pg_current_xact_id()::text::bigint").fetchone()[0]
        # Committed after the other one began:
        TravelPurpose.objects.create(code="AFTER", name_fr="x", name_en="x", name_ht="x",
                                     name_es="x")  # fmt: skip
        change = Change.objects.get(table="reference_travelpurpose", row_id="AFTER")
        assert change.txid > running
        assert feed._horizon() > change.txid
        assert change.seq in {c.seq for c in feed.changes_after(0, 0, limit=10**6)}
    finally:
        other.close()
