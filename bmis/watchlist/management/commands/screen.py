"""`manage.py screen [--lists CODE,…]`: screen travellers given as JSON lines (README: contract).

Each input line: `ref`, `surname`, `given_names`, `birth_date` (YYYY-MM-DD, YYYY-MM, YYYY or
null), `nationality`, `sex`, `document_number`, `document_country`. Each output line: `ref` and
`hits`, each with `list`, `entry`, `source_ref`, `kind` (name or document), `score` (0 to 1) and
`explanation`. A line that cannot be read gets `error` instead of `hits`; the others go on.
"""

import dataclasses
import json
import re
import sys

from django.core.management.base import BaseCommand, CommandError

from bmis.watchlist.models import ListedDocument, ListedPerson, WatchList
from bmis.watchlist.screening import screen
from domain.screening import PartialDate, ScreeningError, Traveller

DATE_RE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)
FIELDS = ("surname", "given_names", "nationality", "sex", "document_number", "document_country")


def traveller_of(record: dict) -> Traveller:
    """Return the traveller a JSON record describes; raise ValueError saying what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("a line must hold a JSON object")
    values = {}
    for name in FIELDS:
        value = record.get(name) or ""
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a string or null")
        values[name] = value
    birth = record.get("birth_date")
    day = None
    if birth:
        match = DATE_RE.fullmatch(birth) if isinstance(birth, str) else None
        if match is None:
            raise ValueError("birth_date must be YYYY-MM-DD, YYYY-MM, YYYY or null")
        day = PartialDate(*(int(part) for part in match.groups() if part))
    if not (values["surname"] or values["given_names"] or values["document_number"]):
        raise ValueError("a traveller needs a name or a document number")
    return Traveller(birth_date=day, **values)


class Command(BaseCommand):
    help = "Screen travellers read as JSON lines on standard input against the alert lists."

    def add_arguments(self, parser):
        parser.add_argument(
            "--lists", default="", help="Codes of the lists (default: all in force)."
        )

    def handle(self, *args, lists: str, **options):
        chosen = WatchList.objects.in_force()
        if lists:
            codes = [code.strip().upper() for code in lists.split(",") if code.strip()]
            unknown = sorted(
                set(codes) - set(chosen.filter(code__in=codes).values_list("code", flat=True))
            )
            if unknown:
                raise CommandError(f"No alert list in force has the codes: {', '.join(unknown)}.")
            chosen = chosen.filter(code__in=codes)
        chosen = list(chosen)
        for number, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            ref = None
            try:
                record = json.loads(line)
                ref = record.get("ref") if isinstance(record, dict) else None
                hits = screen(traveller_of(record), chosen)
            except (ValueError, ScreeningError) as exc:
                self._write({"ref": ref, "line": number, "error": str(exc)})
                continue
            self._write({"ref": ref, "hits": [self._hit(hit) for hit in hits]})

    def _hit(self, hit) -> dict:
        model = ListedPerson if hit.kind == "name" else ListedDocument
        row = model.objects.only("source_ref").get(pk=hit.entry_id)
        return {
            "list": hit.watchlist.code,
            "entry": hit.entry_id,
            "source_ref": row.source_ref,
            "kind": hit.kind,
            "score": round(hit.score, 4),
            "explanation": dataclasses.asdict(hit.explanation),
        }

    def _write(self, obj: dict) -> None:
        self.stdout.write(json.dumps(obj, ensure_ascii=False, default=str))
