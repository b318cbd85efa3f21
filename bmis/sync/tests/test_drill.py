"""The fault drill, smaller than bench/sync_drill.py's: nothing lost, nothing duplicated.

Half-way, always, a post is offline for a simulated week of 140 crossings besides its counter's:
20 a day are enough for stays across the days, and keep the week's cost to some 15 s on a quiet
machine (a minute or two when others share it, as the counters write and the other post syncs
all along).
"""

import pytest
from django.db import connection

from bmis.sync.tests.drill import Drill, report, week_plan
from bmis.sync.tests.nodes import pg_answers

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or not pg_answers(),
    reason="runs in the PostgreSQL pass: headquarters needs PostgreSQL",
)


def test_after_random_faults_and_a_week_offline_every_record_is_at_headquarters_once(tmp_path):
    drill = Drill(tmp_path, seed=7)
    try:
        result = drill.run(faults=24, week=140)
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
    # MAL's clock is five hours ahead: headquarters sees it, and still took every record. The
    # week moved every clock on, headquarters' too: it sees no more offset than before.
    assert 4.9 * 3600 < result.clock_offsets["MAL"] < 5.1 * 3600
    assert abs(result.clock_offsets["OUA"]) < 60
    assert result.clock_days == 7
    # The week offline: each day's sync failed and nothing got through; once back, the post
    # caught up, its stays across the days included, dated over the seven days.
    [week] = result.weeks
    assert result.faults["offline_week"] == 1
    assert week.attempts == week.failed == 7
    assert week.reached_hq == 0
    assert week.planned == 140
    assert week.crossings > week.planned  # the counter worked on
    assert week.caught_up.startswith("Pushed") and week.catch_up > 0
    assert week.stays == sum(len(leaving) for _, leaving in week_plan(140))  # 38
    assert week.days >= 7
