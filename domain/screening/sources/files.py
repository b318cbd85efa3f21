"""The files of one reading: opened in turn, as bytes, counting what has been read.

Every format reads bytes through `Files.open`, so that one callback sees the bytes read across
all the files of a reading (the OFAC CSV list is three files) and a progress bar can run
against `Files.size`.
"""

import io
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from domain.screening.sources.errors import SourceError

Progress = Callable[[int], None]
PathLike = str | os.PathLike[str]
CHUNK = 1 << 16


class _Counted(io.RawIOBase):
    """A raw binary stream that reports each read to its `Files`."""

    def __init__(self, raw: io.RawIOBase, files: "Files") -> None:
        self._raw = raw
        self._files = files

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        count = self._raw.readinto(buffer) or 0
        self._files.advance(count)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


class Files:
    """The files of one reading, the bytes read from them so far, and what was skipped."""

    def __init__(self, paths: Sequence[Path], progress: Progress | None = None) -> None:
        self.paths = tuple(paths)
        self.progress = progress
        self.bytes_read = 0
        self.skipped: Counter[str] = Counter()  # records not entries, by kind: "entity": 193
        self.size = sum(_size(path) for path in self.paths)

    def advance(self, count: int) -> None:
        self.bytes_read += count
        if count and self.progress is not None:
            self.progress(self.bytes_read)

    @contextmanager
    def open(self, path: Path) -> Iterator[io.BufferedReader]:
        """Open `path` for reading as bytes, counted."""
        try:
            raw = path.open("rb", buffering=0)
        except OSError as error:
            raise SourceError(
                "unreadable", f"cannot open the file: {error.strerror}", file=str(path)
            ) from None
        with io.BufferedReader(_Counted(raw, self), CHUNK) as stream:  # type: ignore[arg-type]
            yield stream


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def as_paths(path_or_paths: PathLike | Sequence[PathLike]) -> list[Path]:
    """Return the path, or the paths, as a list of `Path`."""
    if isinstance(path_or_paths, str | os.PathLike):
        return [Path(path_or_paths)]
    return [Path(path) for path in path_or_paths]


def existing(paths: list[Path]) -> list[Path]:
    """Return `paths` if each is a file, else raise `unreadable` naming the first that is not."""
    if not paths:
        raise SourceError("unreadable", "no file given")
    for path in paths:
        if not path.is_file():
            raise SourceError("unreadable", "no such file", file=str(path))
    return paths
