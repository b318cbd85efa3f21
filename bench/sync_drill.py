"""The synchronisation fault drill (bmis/sync/tests/drill.py) with at least 100 faults.

Headquarters on PostgreSQL behind its real server, two posts on SQLite (one with its clock five
hours ahead), sync agents as real processes; faults at random (agents and headquarters' server
killed part-way, counters' power cut, requests and answers lost, cut, duplicated or reordered by a
faulty link of the drill's own, posts offline). It prints the records lost and duplicated, which
must both be 0, and exits 1 otherwise.

    .venv/bin/python bench/sync_drill.py               # 120 faults
    .venv/bin/python bench/sync_drill.py --faults 300 --seed 5
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="openbmis-drill-") as folder:
        drill = Drill(Path(folder), seed=args.seed)
        try:
            result = drill.run(args.faults)
        finally:
            drill.close()
    print(report(result))
    return 0 if result.converged else 1


if __name__ == "__main__":
    sys.exit(main())
