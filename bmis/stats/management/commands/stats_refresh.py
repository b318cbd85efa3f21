"""`manage.py stats_refresh`: bring the statistics' cubes up to date with the crossings held."""

import time

from django.core.management.base import BaseCommand
from django.db import connection

from bmis.stats import aggregate


class Command(BaseCommand):
    help = (
        "Count the crossings recorded or received since the last run into the statistics "
        "(the dashboards also do it, a little at a time, when they are opened). --loop runs "
        "as a service; --rebuild counts every crossing again from the start (as a run does on "
        "PostgreSQL when the statistics were never counted, or are far behind)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Count everything again.")
        parser.add_argument(
            "--loop", action="store_true", help="Keep counting, every --every seconds."
        )
        parser.add_argument("--every", type=float, default=60.0, help="Seconds between runs.")

    def handle(self, *args, rebuild: bool, loop: bool, every: float, **options):
        verbose = options["verbosity"] >= 1
        while True:
            started = time.monotonic()
            rebuild = rebuild or aggregate.far_behind()
            counted = aggregate.rebuild() if rebuild else aggregate.refresh()
            if rebuild and connection.vendor == "postgresql" and not connection.in_atomic_block:
                # The cubes' old cells are dead rows now, and still in their indexes.
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE stats_dayflow, stats_monthflow")
            rebuild = False
            if verbose and (counted or not loop):
                self.stdout.write(
                    f"{counted} crossings counted in {time.monotonic() - started:.1f} s."
                )
            if not loop:
                return
            time.sleep(max(1.0, every))
