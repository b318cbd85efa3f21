#!/usr/bin/env python
"""Run OpenBMIS's administrative commands."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    try:
        import config.settings  # noqa: F401  (read the configuration before anything else)
    except Exception as exc:
        if type(exc).__name__ != "ConfigurationError":
            raise
        sys.stderr.write(f"OpenBMIS cannot start: {exc}\n")
        sys.exit(2)
    from django.conf import settings
    from django.db import DatabaseError

    try:
        execute_from_command_line(sys.argv)
    except DatabaseError as exc:
        where = settings.DATABASES["default"]["NAME"]
        sys.stderr.write(
            f"OpenBMIS cannot use its database ({where}): {exc}\n"
            "Check DATABASE_URL; for SQLite, restore the file from a backup.\n"
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
