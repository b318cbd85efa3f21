"""Copy a post node's SQLite database to a file, consistently, while the node is serving."""

import sqlite3
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Back up the SQLite database (online, consistent) to a file or a directory."

    def add_arguments(self, parser):
        parser.add_argument("destination", help="a file, or a directory to put a dated file in")

    def handle(self, *args, destination, **options):
        if connection.vendor != "sqlite":
            raise CommandError("This node runs on PostgreSQL: back it up with pg_dump.")
        target = Path(destination)
        if target.is_dir():
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            target = target / f"bmis-{settings.BMIS_NODE}-{stamp}.sqlite3"
        if target.exists():
            raise CommandError(f"{target} exists already: choose another name.")
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a directory.")
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
            source.close()
        if result != "ok":
            raise CommandError(f"The copy in {target} does not pass its integrity check: {result}")
        self.stdout.write(self.style.SUCCESS(f"Backed up to {target}"))
