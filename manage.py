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
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
