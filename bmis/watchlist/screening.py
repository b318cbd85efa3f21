"""Screening travellers against the lists in force, with the in-memory indexes of domain.screening.

Building the index of a list of a million names takes some 26 seconds, so a screening never waits
for one when the list changes. Each worker process keeps, per list:

* a base: the full index (NameIndex or DocumentIndex) as built at some version of the list, with
  its watermark, the time the build started less MARGIN. Every write on an entry stamps its
  `updated_at` (services.lists, services.imports), and every change bumps the list's version;
* a view for the list's current version: the base, less its hits on the entries stamped at or
  after the watermark, plus an overlay, a small index of those entries that are active. A new or
  changed entry is found at once and a deactivated one is no longer hit, without a rebuild. The
  build notes the stamps it saw inside the margin, so an entry it already read as it stands is
  not read again (after a large import, that would be the whole list);
* when the overlay passes REBUILD_AFTER entries (or finding it reads as many stamps), one thread
  of the process builds a new base and swaps it in under the lock; screenings go on with the base
  and overlay meanwhile. The hits are a full index's, ranked alike; only the name engine's
  cut-offs on common name parts, which depend on all the index holds, rarely differ on an entry
  of the overlay.

Every full index built is written to BMIS_INDEX_DIR as a pickle (the engine's arrays pickle as
bytes: a million names load in half a second), named by the list, its version and the engine's
format. A process without a base, or whose base is older than a file there, loads the newest file
not newer than the list and overlays the rest; it builds from the database only when there is no
file, or the file is unreadable or of another engine (logged, then ignored). One process at a
time builds a list's index (a lock file beside the indexes): the others wait, then load what it
wrote. `warm` writes the file after an import, so that the workers load it instead of building.

Each search runs with Python's cyclic garbage collector paused (domain.screening.collector), the
index's lookups outside it: a collection in the middle of one was most of the slowest searches.

MARGIN covers the write transactions in flight while a base is built (their rows are stamped
before they commit). An import stamps its rows when it starts, so an import longer than MARGIN
that commits during a build is missed until the next base. A database restored from a backup must
come with an empty BMIS_INDEX_DIR: a file could otherwise stand for a version the list reaches
again with other entries.
"""

import contextlib
import fcntl
import gc
import hashlib
import logging
import os
import pickle
import re
import tempfile
import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

from bmis.watchlist import convert
from bmis.watchlist.models import Kind, ListedDocument, ListedPerson, WatchList
from domain.screening import DocumentIndex, Explanation, Hit, NameIndex, Traveller
from domain.screening.collector import collector_paused
from domain.screening.documents import VERSION as DOCUMENT_ENGINE
from domain.screening.index import VERSION as NAME_ENGINE

CHUNK = 10_000
BATCH = 500  # entries read by their keys in one query
LIMIT = 20  # name hits per list, as NameIndex.search returns by default
MARGIN = timedelta(minutes=15)
REBUILD_AFTER = 2_000  # entries read for an overlay beyond which a new base is built
FORMAT = 1  # of the files' contents, besides the engine's own version in their names
FILE_RE = re.compile(r"(?P<list>[0-9a-f-]{36})-v(?P<version>\d+)-(?P<engine>[a-z]+\d+)\.pickle")
STAMP = ("pk", "updated_at", "fingerprint", "is_active")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ListHit:
    watchlist: WatchList
    entry_id: str
    kind: str  # name or document
    score: float
    explanation: Explanation


@dataclass(frozen=True)
class Base:
    """A list's full index as built from the list at `version`, starting at `built_at`."""

    version: int
    built_at: datetime
    seen: array  # sorted digests of the stamps at or after `since`, as read before the entries
    index: NameIndex | DocumentIndex

    @property
    def since(self) -> datetime:
        return self.built_at - MARGIN


@dataclass(frozen=True)
class ListIndex:
    """A list's index at `version`: the base less the `changed` entries, plus the overlay."""

    version: int
    base: NameIndex | DocumentIndex
    changed: frozenset[str]  # ids of the entries the base may hold as they no longer stand
    overlay: NameIndex | DocumentIndex | None

    def search_names(self, traveller: Traveller, threshold: float) -> list[Hit]:
        """Return what NameIndex.search would on a full index of the list, best first."""
        if not self.changed:
            return self.base.search(traveller, threshold, LIMIT)
        # However many of the base's best hits are on changed entries, LIMIT others are left.
        hits = self.base.search(traveller, threshold, LIMIT + len(self.changed))
        added = self.overlay.search(traveller, threshold, LIMIT) if self.overlay else []
        return self._merge(hits, added)[:LIMIT]

    def search_documents(self, number: str, state: str) -> list[Hit]:
        """Return what DocumentIndex.search would on a full index of the list, best first."""
        hits = self.base.search(number, state)
        if not self.changed:
            return hits
        return self._merge(hits, self.overlay.search(number, state) if self.overlay else [])

    def _merge(self, hits: list[Hit], added: list[Hit]) -> list[Hit]:
        kept = [hit for hit in hits if hit.entry_ref not in self.changed]
        # A full index is built in key order and ranks equal scores in that order: so do we.
        return sorted(kept + added, key=lambda hit: (-hit.score, hit.entry_ref))


_bases: dict[str, Base] = {}
_views: dict[str, ListIndex] = {}
_rebuilds: dict[str, threading.Thread] = {}
_lock = threading.Lock()


def index_of(watchlist: WatchList) -> ListIndex:
    """Return the index of `watchlist` at its version, from the base this process holds."""
    key = str(watchlist.pk)
    with _lock:
        view = _views.get(key)
        if view is not None and view.version >= watchlist.version:
            return view
        base = _bases.get(key)
        if base is None or base.version < watchlist.version:
            base = _load(watchlist, above=base.version if base else 0) or base
        if base is None:  # nothing to start from: this screening has to wait for the build
            with _building(watchlist):
                # Another process may have built it while this one waited for the lock.
                base = _load(watchlist, above=0)
                if base is None:
                    base = _build(watchlist)
                    with contextlib.suppress(OSError):
                        _write(watchlist, base)
        if _bases.get(key) is not base:
            _bases[key] = base
            _settle()
        view, read = _view(watchlist, base)
        _views[key] = view
        # A new base is worth it when the overlay is large, or when what is read to find it is
        # and a base built now would read less (its margin would no longer reach back as far).
        if len(view.changed) > REBUILD_AFTER or (
            read > REBUILD_AFTER and base.built_at < timezone.now() - MARGIN
        ):
            _rebuild_later(watchlist)
        return view


def screen(traveller: Traveller, lists: list[WatchList] | None = None) -> list[ListHit]:
    """Return the hits of `traveller` on `lists` (the lists in force), best first.

    Each list's own threshold applies.
    """
    if lists is None:
        lists = list(WatchList.objects.in_force())
    hits: list[ListHit] = []
    for watchlist in lists:
        if watchlist.kind == Kind.PERSONS:
            if not traveller.surname and not traveller.given_names:
                continue
            index = index_of(watchlist)
            with collector_paused():
                found = index.search_names(traveller, watchlist.threshold)
            kind = "name"
        else:
            if not traveller.document_number:
                continue
            index = index_of(watchlist)
            with collector_paused():
                found = index.search_documents(
                    traveller.document_number, traveller.document_country
                )
            found = [hit for hit in found if hit.score >= watchlist.threshold]
            kind = "document"
        hits += [
            ListHit(watchlist, hit.entry_ref, kind, hit.score, hit.explanation) for hit in found
        ]
    return sorted(hits, key=lambda hit: -hit.score)


def warm(watchlist: WatchList) -> Path:
    """Build the index of `watchlist`, write it for the workers to load, and keep it here.

    Raise OSError if the file cannot be written.
    """
    with _building(watchlist):
        base = _build(watchlist)
        path = _write(watchlist, base)
    with _lock:
        _install(str(watchlist.pk), base)
    return path


# --- Bases and overlays ------------------------------------------------------------------------


def _model(watchlist: WatchList) -> type[ListedPerson] | type[ListedDocument]:
    return ListedPerson if watchlist.kind == Kind.PERSONS else ListedDocument


def _index(watchlist: WatchList, rows: Iterable) -> NameIndex | DocumentIndex:
    if watchlist.kind == Kind.PERSONS:
        return NameIndex.build(convert.to_person_entry(row) for row in rows)
    return DocumentIndex.build(convert.to_document_entry(row) for row in rows)


def _stamps(watchlist: WatchList, since: datetime) -> Iterator[tuple]:
    rows = _model(watchlist).objects.filter(watchlist_id=watchlist.pk, updated_at__gte=since)
    return rows.order_by().values_list(*STAMP).iterator(CHUNK)


def _digest(stamp: tuple) -> int:
    """Return 64 bits that change whenever an entry is written (its stamp changes)."""
    pk, updated_at, fingerprint, is_active = stamp
    text = f"{pk}|{updated_at.isoformat()}|{fingerprint}|{int(is_active)}"
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest())


def _holds(seen: array, digest: int) -> bool:
    position = bisect_left(seen, digest)
    return position < len(seen) and seen[position] == digest


def _build(watchlist: WatchList) -> Base:
    """Return a new base of `watchlist`, from every active entry."""
    # The version is read first: a change that commits later bumps it past the base's, so the
    # overlay looks for it. The stamps are read before the entries for the same reason.
    built_at = timezone.now()
    version = WatchList.objects.values_list("version", flat=True).get(pk=watchlist.pk)
    seen = array("Q", sorted(_digest(stamp) for stamp in _stamps(watchlist, built_at - MARGIN)))
    rows = _model(watchlist).objects.filter(watchlist_id=watchlist.pk, is_active=True)
    return Base(version, built_at, seen, _index(watchlist, rows.order_by("pk").iterator(CHUNK)))


def _view(watchlist: WatchList, base: Base) -> tuple[ListIndex, int]:
    """Return the index of `watchlist` at its version from `base`, and how many stamps were read."""
    if base.version >= watchlist.version:
        return ListIndex(base.version, base.index, frozenset(), None), 0
    changed, read = [], 0
    for stamp in _stamps(watchlist, base.since):
        read += 1
        if not _holds(base.seen, _digest(stamp)):
            changed.append(stamp[0])
    changed.sort()  # in key order, as a full index holds them

    def active() -> Iterator:
        model = _model(watchlist)
        for start in range(0, len(changed), BATCH):
            keys = changed[start : start + BATCH]
            yield from model.objects.filter(pk__in=keys, is_active=True).order_by("pk")

    overlay = _index(watchlist, active()) if changed else None
    return ListIndex(watchlist.version, base.index, frozenset(map(str, changed)), overlay), read


def _install(key: str, base: Base) -> None:
    """Make `base` the list's base unless a newer one is there already (call under the lock)."""
    held = _bases.get(key)
    if held is None or (base.version, base.built_at) > (held.version, held.built_at):
        _bases[key] = base
        _views.pop(key, None)
        _settle()


def _settle() -> None:
    """Leave the objects alive now, the new base's among them, out of the garbage collector's
    full collections (gc.freeze): they last as long as the process, and a collection that went
    through them would pause a screening (some 20 ms for a million names)."""
    gc.collect()
    gc.freeze()


def _rebuild_later(watchlist: WatchList) -> None:
    """Start building a new base in a thread, unless one is at it already (call under the lock)."""
    key = str(watchlist.pk)
    running = _rebuilds.get(key)
    if running is not None and running.is_alive():
        return
    thread = threading.Thread(
        target=_rebuild, args=(watchlist,), name=f"index-{watchlist.code}", daemon=True
    )
    _rebuilds[key] = thread
    thread.start()


def _rebuild(watchlist: WatchList) -> None:
    try:
        with _building(watchlist):
            held = _bases.get(str(watchlist.pk))
            base = _load(watchlist, above=held.version if held else 0)
            if base is None:
                base = _build(watchlist)
                with contextlib.suppress(OSError):
                    _write(watchlist, base)
        with _lock:
            _install(str(watchlist.pk), base)
    except Exception:
        logger.exception("The screening index of %s could not be rebuilt", watchlist.code)
    finally:
        connections.close_all()  # this thread's own


# --- Files -------------------------------------------------------------------------------------
# Only the node writes in BMIS_INDEX_DIR (as it does in var/): a pickle runs code as it loads, so
# indexes are loaded from that folder and nowhere else.


@contextlib.contextmanager
def _building(watchlist: WatchList) -> Iterator[None]:
    """Hold the list's build lock, shared by the node's processes, for the block.

    The first worker to need a list's index builds it and writes its file; the others wait for
    the lock, then load the file instead of building the same index at the same time (some 20
    seconds and 300 MB each at a million names). Where the folder cannot hold the lock file,
    each process builds its own, as it would without one.
    """
    folder = Path(settings.BMIS_INDEX_DIR)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(folder / f".{watchlist.pk}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        logger.warning("The screening index of %s is built unlocked: %s", watchlist.code, exc)
        yield
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # and with it the lock


def _engine(watchlist: WatchList) -> str:
    return (
        f"names{NAME_ENGINE}" if watchlist.kind == Kind.PERSONS else f"documents{DOCUMENT_ENGINE}"
    )


def _files(watchlist: WatchList) -> list[tuple[int, str, Path]]:
    """Return the list's files (version, engine, path), the newest first."""
    folder = Path(settings.BMIS_INDEX_DIR)
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    except OSError as exc:
        logger.warning("Screening indexes cannot be read from %s: %s", folder, exc)
        return []
    found = []
    for name in names:
        match = FILE_RE.fullmatch(name)
        if match and match["list"] == str(watchlist.pk):
            found.append((int(match["version"]), match["engine"], folder / name))
    return sorted(found, reverse=True)


def _write(watchlist: WatchList, base: Base) -> Path:
    """Write `base` to its file, atomically, and remove the list's older files."""
    folder = Path(settings.BMIS_INDEX_DIR)
    path = folder / f"{watchlist.pk}-v{base.version}-{_engine(watchlist)}.pickle"
    contents = {
        "format": FORMAT,
        "list": str(watchlist.pk),
        "version": base.version,
        "built_at": base.built_at,
        "seen": base.seen,
        "index": base.index,
    }
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{watchlist.pk}-")
        try:
            with os.fdopen(descriptor, "wb") as out:
                pickle.dump(contents, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as exc:
        logger.warning("The screening index of %s could not be written: %s", watchlist.code, exc)
        raise
    for version, _engine_name, older in _files(watchlist):
        if version < base.version:
            with contextlib.suppress(OSError):
                older.unlink()
    return path


def _load(watchlist: WatchList, above: int) -> Base | None:
    """Return the newest base on disk newer than `above` and not newer than the list, or None."""
    engine = _engine(watchlist)
    for version, file_engine, path in _files(watchlist):
        if file_engine != engine or not above < version <= watchlist.version:
            continue
        try:
            with path.open("rb") as file:
                contents = pickle.load(file)  # noqa: S301 - our own file, in our own folder
            base = Base(
                contents["version"], contents["built_at"], contents["seen"], contents["index"]
            )
            wanted = NameIndex if watchlist.kind == Kind.PERSONS else DocumentIndex
            if (
                contents["format"] != FORMAT
                or contents["list"] != str(watchlist.pk)
                or base.version != version
                or not isinstance(base.built_at, datetime)
                or not isinstance(base.seen, array)
                or not isinstance(base.index, wanted)
            ):
                raise ValueError("not an index of this list")
        except Exception as exc:  # truncated, another engine's (IndexFormatError), not ours…
            logger.warning("Screening index %s ignored: %s: %s", path.name, type(exc).__name__, exc)
            continue
        return base
    return None
