"""The synchronisation fault drill (bmis/sync/tests/drill.py) with at least 100 faults.

Headquarters on PostgreSQL behind its real server, two posts on SQLite (one with its clock five
hours ahead), sync agents as real processes; faults at random (agents and headquarters' server
killed part-way, counters' power cut, requests and answers lost, cut, duplicated or reordered by a
faulty link of the drill's own, posts offline for seconds) and, half-way, always, a post offline
for a simulated week. It prints the records lost and duplicated, which must both be 0, and
exits 1 otherwise.

The week's traffic is 3,500 crossings (`--week`) besides the post's counter's: 500 a day, a
tenth of a real post's week (35,000, 5,000 a day). An officer's crossing takes some 25 ms here,
so the real size would add a quarter of an hour of recording to a drill of five to eight
minutes; a tenth adds a minute and a half, and still leaves a backlog of some 17,000 records
(with stays across the days) to catch up with. The catch-up of a real week's 35,000 crossings
is measured by `bench/sync.py`.

    .venv/bin/python bench/sync_drill.py               # 120 faults, a week of 3,500 crossings
    .venv/bin/python bench/sync_drill.py --faults 300 --seed 5 --week 35000
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BMIS_ENV_FILE", "")

from bmis.sync.tests.drill import Drill, report  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faults", type=int, default=120)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--week", type=int, default=3500, help="the week's crossings (0: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="openbmis-drill-") as folder:
        drill = Drill(Path(folder), seed=args.seed)
        try:
            result = drill.run(args.faults, week=args.week)
        finally:
            drill.close()
    print(report(result))
    return 0 if result.converged else 1


if __name__ == "__main__":
    sys.exit(main())
