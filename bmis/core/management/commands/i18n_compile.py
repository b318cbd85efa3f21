"""Compile the interface's translation catalogues (.po to .mo) with polib.

Django's own `compilemessages` needs GNU gettext's msgfmt, which a fresh Debian machine may lack;
polib is pure Python, so `make demo` needs nothing beyond the virtual environment.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues() -> list[Path]:
    return sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"))


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/django.po into its .mo file."

    def handle(self, *args, **options):
        for po_path in catalogues():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
