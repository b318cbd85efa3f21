"""Run manage.py with the node's clock moved: a test's wrong clock, and the drill's simulated days.

Debian has no libfaketime here: Django's clock (`django.utils.timezone.now`, which every model
default and service reads) is shifted before Django loads, which is what a node with a wrong
system clock would see. UUIDv7 keys and the change log's time of writing (`Change.at`, the
database's own `Now()`) keep the true time: the keys only need to be unique, and nothing reads
`Change.at` but people.

Two shifts add up:
- `BMIS_TEST_CLOCK_OFFSET` seconds, this node's own wrong clock, fixed (the drill's MAL runs
  five hours ahead);
- the seconds written in the file `BMIS_TEST_CLOCK_FILE`, how far a `SharedClock` has moved
  every node's time on (the fault drill's simulated days). A process reads the file again
  whenever it changes, so a server or counter already running sees the days pass, as a real one
  would, with no restart.
"""

import datetime
import os
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


class SharedClock:
    """Time ahead of the machine's by `offset` seconds, for every node put on it; it never goes
    back, as the time of a real network does not."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0.0
        self.advance(0)

    def advance(self, seconds: float) -> None:
        self.offset += seconds
        spare = self.path.with_name(self.path.name + ".new")
        spare.write_text(repr(self.offset))
        os.replace(spare, self.path)  # a process reads the old offset or the new, never half

    def put_on(self, node) -> None:
        """Run `node`'s processes on this clock; a fixed offset of its own stays."""
        node.launcher = [sys.executable, str(Path(__file__).resolve())]
        node.env["BMIS_TEST_CLOCK_FILE"] = str(self.path)


def offset_reader():
    """Return a function giving this process's offset now, reading the shared file on change."""
    fixed = float(os.environ.get("BMIS_TEST_CLOCK_OFFSET", "0"))
    path = os.environ.get("BMIS_TEST_CLOCK_FILE", "")
    seen: list = [None, 0.0]  # the file's (inode, mtime) and its offset

    def offset() -> datetime.timedelta:
        shared = 0.0
        if path:
            try:
                stat = os.stat(path)
            except FileNotFoundError:
                stat = None
            if stat is not None:
                key = (stat.st_ino, stat.st_mtime_ns)
                if key != seen[0]:
                    seen[:] = [key, float(Path(path).read_text() or 0)]
                shared = seen[1]
        return datetime.timedelta(seconds=fixed + shared)

    return offset


def main() -> None:
    import django.utils.timezone as timezone

    offset = offset_reader()
    true_now = timezone.now
    timezone.now = lambda: true_now() + offset()
    sys.path.insert(0, str(ROOT))
    sys.argv = [str(ROOT / "manage.py"), *sys.argv[1:]]
    runpy.run_path(str(ROOT / "manage.py"), run_name="__main__")


if __name__ == "__main__":
    main()
