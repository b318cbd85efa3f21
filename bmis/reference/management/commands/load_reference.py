"""`manage.py load_reference`: load the reference data and Haiti's border posts."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bmis.crossings.defaults import stay_rules_load
from bmis.reference.services import reference_load

TABLES = {
    "countries": "State and nationality codes",
    "refusal_reasons": "Refusal reasons",
    "purposes": "Purposes of travel",
    "posts": "Border posts",
}


class Command(BaseCommand):
    help = (
        "Load the reference data (ISO 3166-1 states and ICAO codes, refusal reasons, purposes "
        "of travel), Haiti's border posts and the default stay rules. Safe to run again: only "
        "what differs from the shipped data is written. Names corrected in the admin are set "
        "back to the shipped ones; deactivated rows stay deactivated. Stay rules are created "
        "only where missing."
    )

    def handle(self, *args, **options):
        try:
            counts = reference_load(actor=None)
            rules = stay_rules_load(actor=None)
        except ValidationError as exc:
            raise CommandError(
                f"Nothing was loaded: the shipped data is not valid: {exc}"
            ) from None
        if options["verbosity"] < 1:
            return
        width = max(len(label) for label in TABLES.values())
        self.stdout.write(f"{'':{width}}  created  updated  unchanged")
        for key, label in TABLES.items():
            row = counts[key]
            self.stdout.write(
                f"{label:{width}}  {row['created']:7}  {row['updated']:7}  {row['unchanged']:9}"
            )
        self.stdout.write(
            f"{'Default stay rules':{width}}  {rules:7}  (existing rules are left as they are)"
        )
        if rules or any(row["created"] or row["updated"] for row in counts.values()):
            self.stdout.write(self.style.SUCCESS("Reference data loaded."))
        else:
            self.stdout.write("Reference data already up to date: nothing changed.")
