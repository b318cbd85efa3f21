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
