"""`manage.py mrz parse`: read a machine readable zone from standard input, print it as JSON.

Exit status: 0 valid, 1 invalid (the JSON says why), 2 unreadable input. The JSON's keys are
those of `domain.mrz.to_contract`, documented in the README.
"""

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from domain.mrz import MrzError, MrzUnreadable, parse, to_contract, unreadable


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--today {text!r} is not a date: use YYYY-MM-DD.", returncode=2
        ) from None


class Command(BaseCommand):
    help = "Read MRZ lines on standard input and print one JSON object describing them."
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        reading = actions.add_parser("parse", help="parse and check the zone read on stdin")
        reading.add_argument(
            "--today", type=str, default=None, help="reference date YYYY-MM-DD (default: today)"
        )

    def handle(self, *args, action, today=None, **options):
        reference = _day(today) if today else date.today()
        raw = sys.stdin.buffer.read()
        try:
            result = to_contract(parse(raw.decode("utf-8"), today=reference))
        except UnicodeDecodeError:
            self.stdout.write(json.dumps(unreadable(MrzError("not_text"))))
            sys.exit(2)
        except MrzUnreadable as exc:
            self.stdout.write(json.dumps(unreadable(exc)))
            sys.exit(2)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        sys.exit(0 if result["valid"] else 1)
