"""The fault drill, smaller than bench/sync_drill.py's: nothing lost, nothing duplicated."""

import pytest
from django.db import connection

from bmis.sync.tests.drill import Drill, report
from bmis.sync.tests.nodes import pg_answers

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or not pg_answers(),
    reason="runs in the PostgreSQL pass: headquarters needs PostgreSQL",
)


def test_after_random_faults_every_record_is_at_headquarters_exactly_once(tmp_path):
    drill = Drill(tmp_path, seed=7)
    try:
        result = drill.run(faults=24)
    finally:
        drill.close()
    print(report(result))
    assert sum(result.faults.values()) >= 24
    assert result.records[("OUA", "crossings_crossing")] > 0
    assert result.records[("MAL", "crossings_crossing")] > 0
    assert result.total_lost == 0
    assert result.total_duplicated == 0
    assert result.lists_behind == []
    assert all(result.chains.values()), result.chains
    # MAL's clock is five hours ahead: headquarters sees it, and still took every record.
    assert 4.9 * 3600 < result.clock_offsets["MAL"] < 5.1 * 3600
    assert abs(result.clock_offsets["OUA"]) < 60
