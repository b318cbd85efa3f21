"""Copy a post node's SQLite database to a second disk or a USB stick, once or on a schedule.

A post node must outlive a destroyed laptop: WAL with synchronous=FULL keeps what was committed
through a power cut, and these copies keep it through the loss of the machine itself (the sync
issue's design note). The copies go to a stick that may be out, full, read-only or pulled
half-way, so every step is written for that:

- SQLite's online backup API copies a consistent snapshot while officers keep writing (WAL lets
  the single-step copy read while others commit);
- the copy is made under a hidden temporary name, switched out of WAL (one self-contained file),
  checked with `PRAGMA integrity_check`, fsynced, and only then renamed to its dated name: a
  file that looks like a backup is a good one;
- rotation deletes only this node's own dated copies (`bmis-<NODE>-YYYYMMDD-HHMMSS.sqlite3`),
  never another node's or anything else on the stick, and only after a good copy;
- the last success and the last failure go to `VAR_DIR/backup-status.json` (written atomically),
  so that a later page or the sync heartbeat can show how old the newest copy is.

Errors, each with a machine `code` that `message()` turns into a translated sentence::

    BackupError(code, path, detail)
        not_sqlite  no_database  missing  not_directory  not_writable  same_disk
        exists  copy_failed  integrity  interval
"""

import contextlib
import dataclasses
import errno
import json
import logging
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

STAMP = "%Y%m%d-%H%M%S"
STATUS_FILE = "backup-status.json"
PARTIAL = ".partial"
# A temporary copy untouched for this long was left by a copy that died (stick pulled, power
# cut); a younger one may belong to a copy still running in another process.
STALE_PARTIAL_SECONDS = 3600
INTERVAL = re.compile(r"\s*(\d+)\s*([smhd]?)\s*", re.IGNORECASE)
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_INTERVAL = 60  # seconds: more often would wear a USB stick out for nothing
MAX_INTERVAL = 30 * 86400


class BackupError(Exception):
    """A copy that could not be made; `code` says why, `path` where, `detail` what the OS said."""

    def __init__(self, code: str, path: Path | str | None = None, detail: str = ""):
        super().__init__(f"{code}: {path} {detail}".strip())
        self.code = code
        self.path = path
        self.detail = detail


@dataclass(frozen=True)
class Copy:
    path: Path
    size: int
    at: datetime
    removed: tuple[Path, ...] = ()


def message(code: str, path: Path | str | None = None, detail: str = "") -> str:
    """Return the translated sentence for an error code (also for a failure read from status)."""
    values = {"path": path, "reason": detail, "value": detail}
    messages = {
        "not_sqlite": _("This node runs on PostgreSQL: back it up with pg_dump."),
        "no_database": _("There is no database at %(path)s to back up."),
        "missing": _(
            "The backup destination %(path)s is not there: plug in the USB stick or the "
            "second disk, and check that it is mounted."
        ),
        "not_directory": _("%(path)s is not a directory."),
        "not_writable": _(
            "The backup destination %(path)s cannot be written to: check that the USB stick is "
            "not locked or read-only, and who may write to it."
        ),
        "same_disk": _(
            "%(path)s is on the same disk as the database, so a copy there would be lost with "
            "this computer: plug in and mount the USB stick or the second disk."
        ),
        "exists": _("%(path)s exists already: choose another name."),
        "copy_failed": _("The copy to %(path)s failed and was removed: %(reason)s"),
        "integrity": _(
            "The copy to %(path)s does not pass its integrity check, so it was not kept: %(reason)s"
        ),
        "interval": _(
            "%(value)s is not an interval: write a number of minutes, hours or days such as 30m, "
            "6h or 1d (from one minute to 30 days)."
        ),
    }
    return messages.get(code, "%(path)s: %(reason)s") % values


def parse_interval(text: str) -> int:
    """Return the seconds in `30m`, `6h`, `1d` (or a bare number of seconds)."""
    match = INTERVAL.fullmatch(text or "")
    if not match:
        raise BackupError("interval", detail=text)
    seconds = int(match[1]) * UNIT_SECONDS[match[2].lower()]
    if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise BackupError("interval", detail=text)
    return seconds


def database_path() -> Path:
    """Return the node's SQLite file, refusing PostgreSQL (headquarters uses pg_dump)."""
    if connection.vendor != "sqlite":
        raise BackupError("not_sqlite")
    return Path(connection.settings_dict["NAME"])


def copy_name(node: str, now: datetime) -> str:
    return f"bmis-{node}-{timezone.localtime(now).strftime(STAMP)}.sqlite3"


def is_file_target(destination: Path | str) -> bool:
    """Tell a file to create (`x.sqlite3`) from a directory (`/media/usb`, there or not).

    A missing `/media/usb` is a stick that is out, not a file to create in /media: only a name
    ending in .sqlite3 is taken as a file.
    """
    destination = Path(destination)
    return destination.suffix == ".sqlite3" and not destination.is_dir()


def node_copies(directory: Path, node: str) -> list[Path]:
    """Return this node's dated copies in `directory`, oldest first; nothing else."""
    pattern = re.compile(rf"bmis-{re.escape(node)}-(\d{{8}}-\d{{6}})\.sqlite3")
    found = []
    for path in _entries(directory):
        match = pattern.fullmatch(path.name)
        if not match or path.is_symlink() or not path.is_file():
            continue
        try:
            stamp = datetime.strptime(match[1], STAMP)
        except ValueError:
            continue
        found.append((stamp, path.name, path))
    return [path for _stamp, _name, path in sorted(found)]


def _entries(directory: Path) -> list[Path]:
    """List a directory, or nothing if the stick went away meanwhile."""
    try:
        return list(directory.iterdir())
    except OSError:
        return []


def prune(directory: Path, *, node: str, keep: int, spare: Path | None = None) -> list[Path]:
    """Delete this node's oldest copies beyond `keep`; never `spare` (the copy just made).

    `spare` counts among the kept whatever its stamp, so a clock set back cannot make the new
    copy the first to go.
    """
    others = [path for path in node_copies(directory, node) if path != spare]
    room = keep - 1 if spare is not None else keep
    removed = []
    for path in others[: max(0, len(others) - room)]:
        try:
            path.unlink()
        except OSError:
            continue  # a copy too many is better than a rotation that stops the backups
        removed.append(path)
    return removed


def copy_database(
    destination: Path | str,
    *,
    source: Path,
    node: str,
    now: datetime,
    other_disk: bool = False,
) -> Copy:
    """Copy `source` into `destination` (a directory, or a new .sqlite3 file)."""
    destination = Path(destination)
    if not source.is_file():
        raise BackupError("no_database", source)
    if is_file_target(destination):
        directory, final = destination.parent, destination
    else:
        directory = destination
        final = destination / copy_name(node, now)
    try:
        _check_directory(directory, source=source, other_disk=other_disk)
        if final.exists():
            raise BackupError("exists", final)
        _remove_stale_partials(directory, node)
    except OSError as exc:  # a stick pulled out answers EIO rather than "not there"
        raise BackupError("missing", directory, exc.strerror or str(exc)) from exc
    partial = directory / f".{final.name}{PARTIAL}"
    try:
        result = _snapshot(source, partial)
        if result != "ok":
            raise BackupError("integrity", final, result)
        _fsync(partial)
        size = partial.stat().st_size
        if final.exists():
            raise BackupError("exists", final)
        os.replace(partial, final)
        _fsync(directory)
    except (OSError, sqlite3.Error) as exc:
        raise _failure(exc, final) from exc
    finally:
        for leftover in (partial, Path(f"{partial}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
    return Copy(path=final, size=size, at=now)


def _check_directory(directory: Path, *, source: Path, other_disk: bool) -> None:
    if not directory.exists():
        raise BackupError("missing", directory)
    if not directory.is_dir():
        raise BackupError("not_directory", directory)
    if not os.access(directory, os.W_OK | os.X_OK):
        raise BackupError("not_writable", directory)
    if other_disk and directory.stat().st_dev == source.parent.stat().st_dev:
        raise BackupError("same_disk", directory)


def _snapshot(source: Path, partial: Path) -> str:
    """Copy in one step (a consistent snapshot), as one file out of WAL; return its check."""
    reader = sqlite3.connect(source)
    copy = sqlite3.connect(partial)
    try:
        with copy:
            reader.backup(copy)
        # The copy inherits WAL from the node; a single file is what a stick should carry.
        copy.execute("PRAGMA journal_mode=DELETE")
        return copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
        reader.close()


def _fsync(path: Path) -> None:
    """Push a file (or a directory's entries, after a rename) to the device."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    except OSError as exc:
        # Some filesystems (vfat on a stick) refuse fsync on a directory: the file itself is.
        if not path.is_dir() or exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(descriptor)


def _failure(exc: OSError | sqlite3.Error, final: Path) -> BackupError:
    if isinstance(exc, PermissionError) or getattr(exc, "errno", None) == errno.EROFS:
        return BackupError("not_writable", final.parent, str(exc))
    return BackupError("copy_failed", final, getattr(exc, "strerror", None) or str(exc))


def _remove_stale_partials(directory: Path, node: str) -> None:
    """Remove what copies that died here left behind (only this node's temporary names)."""
    pattern = re.compile(
        rf"\.bmis-{re.escape(node)}-\d{{8}}-\d{{6}}\.sqlite3{re.escape(PARTIAL)}(-journal)?"
    )
    for path in _entries(directory):
        if not pattern.fullmatch(path.name):
            continue
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > STALE_PARTIAL_SECONDS:
                path.unlink()


def run(
    destination: Path | str,
    *,
    keep: int | None = None,
    other_disk: bool = False,
    source: Path | None = None,
    now: datetime | None = None,
) -> Copy:
    """Make one copy, rotate this node's copies, and record the outcome in the status file."""
    now = now or timezone.now()
    node = settings.BMIS_NODE
    try:
        done = copy_database(
            destination,
            source=source or database_path(),
            node=node,
            now=now,
            other_disk=other_disk,
        )
    except BackupError as exc:
        failure = {"at": now.isoformat(), "destination": str(destination), "code": exc.code}
        failure |= {"path": str(exc.path or ""), "detail": exc.detail}
        _record(last_failure=failure)
        raise
    if keep:
        removed = prune(done.path.parent, node=node, keep=keep, spare=done.path)
        done = dataclasses.replace(done, removed=tuple(removed))
    _record(last_success={"at": now.isoformat(), "file": str(done.path), "bytes": done.size})
    return done


def loop(
    destination: Path | str,
    *,
    interval: int,
    keep: int | None = None,
    other_disk: bool = False,
    source: Path | None = None,
    stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], object] = time.sleep,
    clock: Callable[[], datetime] = timezone.now,
    on_copy: Callable[[Copy], object] = lambda done: None,
    on_failure: Callable[[BackupError], object] = lambda exc: None,
) -> None:
    """Copy every `interval` seconds until `stop()`; a failure waits for the next turn.

    The first copy waits for what is left of the interval since the last good one, so a node
    restarted by every power cut does not fill the stick (and the rotation) with copies minutes
    apart.
    """
    wait = due_in(interval, clock())
    if wait:
        sleep(wait)
    while not stop():
        try:
            on_copy(run(destination, keep=keep, other_disk=other_disk, source=source, now=clock()))
        except BackupError as exc:
            on_failure(exc)
        if stop():
            break
        sleep(interval)


def due_in(interval: int, now: datetime) -> float:
    """Return the seconds until the next copy is due, from the last good one (0: now)."""
    last = status().get("last_success", {}).get("at")
    try:
        elapsed = (now - datetime.fromisoformat(last)).total_seconds()
    except (TypeError, ValueError):
        return 0
    return 0 if elapsed < 0 else max(0.0, interval - elapsed)


def status() -> dict:
    """Return what the status file holds ({} when there is none or it cannot be read)."""
    try:
        found = json.loads((settings.VAR_DIR / STATUS_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _record(**entries: dict) -> None:
    """Update the status file atomically: a power cut leaves the old one or the new one.

    A status that cannot be written is logged, not raised: it must not stop the copies.
    """
    folder = Path(settings.VAR_DIR)
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".backup-status-")
        try:
            with os.fdopen(descriptor, "w") as out:
                json.dump(status() | entries, out, indent=2, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, folder / STATUS_FILE)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as exc:
        logger.warning("The backup status could not be written in %s: %s", folder, exc)
