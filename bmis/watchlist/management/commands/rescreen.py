"""`manage.py rescreen [--days N]`: screen recent crossings again against the lists in force."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bmis.watchlist.rescreen import rescreen


class Command(BaseCommand):
    help = (
        "Screen the crossings of the last days again against the alert lists in force, and "
        "record each new hit as a retroactive hit for supervisors and headquarters. "
        "watchlist_import runs it after every import that changed a list."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.BMIS_RESCREEN_DAYS,
            help=f"How many days back (default BMIS_RESCREEN_DAYS, {settings.BMIS_RESCREEN_DAYS}).",
        )

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        found = rescreen(days=days)
        if options["verbosity"] >= 1:
            self.stdout.write(f"{found} new retroactive hits in the last {days} days.")
