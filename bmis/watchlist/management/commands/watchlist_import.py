"""`manage.py watchlist_import --format FORMAT --list CODE FILE…`: import a source's list file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bmis.watchlist import screening
from bmis.watchlist.models import WatchList
from bmis.watchlist.rescreen import rescreen
from bmis.watchlist.services import ImportFailed, watchlist_import
from domain.screening import sources

try:
    from tqdm import tqdm
except ImportError:  # pragma: no cover - tqdm is a dependency; kept optional for tools
    tqdm = None


class Command(BaseCommand):
    help = (
        "Import a list file into an alert list, all or nothing: the same file twice changes "
        "nothing, and entries gone from a new file are deactivated. Formats: "
        + ", ".join(sorted(sources.FORMATS))
        + ". ofac-csv takes the SDN file with its alt and add files (or their directory)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(sources.FORMATS))
        parser.add_argument("--list", required=True, dest="code", help="The alert list's code.")
        parser.add_argument("files", nargs="+", help="The file (or files) to import.")
        parser.add_argument(
            "--no-rescreen",
            action="store_true",
            help="Do not screen recent crossings again after a change (run rescreen later).",
        )

    def handle(self, *args, format: str, code: str, files: list[str], **options):
        watchlist = WatchList.objects.filter(code=code.upper()).first()
        if watchlist is None:
            raise CommandError(
                f"No alert list has the code {code!r}: create it in the application first."
            )
        paths = files[0] if len(files) == 1 else files
        bar = None
        progress = None
        if options["verbosity"] >= 1 and tqdm is not None:
            total = sum(Path(name).stat().st_size for name in files if Path(name).is_file())
            bar = tqdm(
                total=total or None,
                unit="B",
                unit_scale=True,
                file=self.stderr,
                desc=watchlist.code,
            )

            def progress(done: int) -> None:
                bar.update(done - bar.n)

        try:
            result = watchlist_import(
                actor=None, watchlist=watchlist, format=format, paths=paths, progress=progress
            )
        except ImportFailed as exc:
            reason = {"reason": exc.message}
            raise CommandError(_("Nothing was imported. %(reason)s") % reason) from None
        finally:
            if bar is not None:
                bar.close()
        if options["verbosity"] >= 1:
            skipped = ", ".join(f"{n} {kind}" for kind, n in sorted(result.skipped.items()))
            self.stdout.write(
                f"{watchlist.code}: {result.created} created, {result.updated} updated, "
                f"{result.reactivated} reactivated, {result.unchanged} unchanged, "
                f"{result.deactivated} deactivated"
                + (f"; skipped: {skipped}" if skipped else "")
                + f". Version {result.version}."
            )
        if result.changed:
            self._warm(watchlist, options["verbosity"])
        if result.changed and not options["no_rescreen"]:
            found = rescreen()
            if options["verbosity"] >= 1:
                self.stdout.write(f"Recent crossings screened again: {found} new retroactive hits.")

    def _warm(self, watchlist: WatchList, verbosity: int) -> None:
        """Write the list's screening index, so that the workers load it instead of building it."""
        try:
            screening.warm(watchlist)
        except OSError as exc:
            self.stderr.write(
                _("The screening index of %(code)s could not be written: %(error)s.")
                % {"code": watchlist.code, "error": exc.strerror or exc}
            )
            return
        if verbosity >= 1:
            self.stdout.write(
                _("Screening index of %(code)s at version %(version)s written for the workers.")
                % {"code": watchlist.code, "version": watchlist.version}
            )
