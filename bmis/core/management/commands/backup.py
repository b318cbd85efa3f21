"""`manage.py backup DEST [--keep N] [--every 6h]`: copy the database, once or as a service.

The work is in `bmis.core.backup`; this command only reads the arguments, says what happened in
the node's language and, with --every, runs until SIGTERM or SIGINT (systemd, Ctrl-C), carrying
on through a stick that is out rather than dying.
"""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bmis.core import backup


class Command(BaseCommand):
    help = (
        "Back up the SQLite database (online, consistent, integrity checked) to a directory, such "
        "as a USB stick, or to a new .sqlite3 file. --keep N keeps this node's N newest copies in "
        "the directory; --every 6h runs as a service, copying every 30m, 6h, 1d…"
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", help="a directory, or a new file ending in .sqlite3")
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="after a good copy, delete this node's oldest dated copies beyond N",
        )
        parser.add_argument(
            "--every",
            metavar="INTERVAL",
            help="run until stopped, copying every INTERVAL (30m, 6h, 1d)",
        )
        parser.add_argument(
            "--other-disk",
            action="store_true",
            help="refuse a destination on the database's own disk (an empty mount point)",
        )

    def handle(self, *args, destination, keep, every, other_disk, **options):
        if keep is not None and keep < 1:
            raise CommandError(_("--keep needs a number of copies of at least 1."))
        if (keep or every is not None) and backup.is_file_target(destination):
            raise CommandError(_("--keep and --every need a directory as the destination."))
        try:
            backup.database_path()
            interval = backup.parse_interval(every) if every is not None else None
        except backup.BackupError as exc:
            raise CommandError(backup.message(exc.code, exc.path, exc.detail)) from None
        if interval is None:
            try:
                self._copied(backup.run(destination, keep=keep, other_disk=other_disk))
            except backup.BackupError as exc:
                raise CommandError(backup.message(exc.code, exc.path, exc.detail)) from None
            return
        self._loop(destination, every=every, interval=interval, keep=keep, other_disk=other_disk)

    def _loop(self, destination, *, every, interval, keep, other_disk) -> None:
        stopping = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.set())
        self.stdout.write(
            _("Backing up to %(path)s every %(interval)s, until stopped.")
            % {"path": destination, "interval": every}
        )
        backup.loop(
            destination,
            interval=interval,
            keep=keep,
            other_disk=other_disk,
            stop=stopping.is_set,
            sleep=stopping.wait,
            on_copy=self._copied,
            on_failure=lambda exc: self._failed(exc, every),
        )
        self.stdout.write(_("Backups stopped."))

    def _copied(self, done: backup.Copy) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                _("Backed up to %(path)s (%(size)s).")
                % {"path": done.path, "size": filesizeformat(done.size)}
            )
        )
        if done.removed:
            count = len(done.removed)
            self.stdout.write(
                ngettext(
                    "Removed %(count)d older copy of this node.",
                    "Removed %(count)d older copies of this node.",
                    count,
                )
                % {"count": count}
            )

    def _failed(self, exc: backup.BackupError, every: str) -> None:
        self.stderr.write(backup.message(exc.code, exc.path, exc.detail))
        self.stderr.write(_("The next try is in %(interval)s.") % {"interval": every})
