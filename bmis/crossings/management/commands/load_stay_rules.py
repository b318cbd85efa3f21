"""`manage.py load_stay_rules`: create the default permitted-stay rules that do not exist yet."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bmis.crossings.defaults import stay_rules_load
from bmis.crossings.models import StayRule


class Command(BaseCommand):
    help = (
        "Create the default permitted-stay rules (visa-exempt visitors, Haitian citizens, "
        "residents of Haiti, Dominican border-card holders) that do not exist yet. Safe to run "
        "again: a rule that exists, even changed or deactivated by an administrator, is left as "
        "it is. Run load_reference first: the rules name states."
    )

    def handle(self, *args, **options):
        before = StayRule.objects.count()
        try:
            created = stay_rules_load(actor=None)
        except ValidationError as exc:
            done = StayRule.objects.count() - before
            raise CommandError(
                f"A default stay rule was refused after {done} created: {'; '.join(exc.messages)} "
                "Has the reference data been loaded (manage.py load_reference)?"
            ) from None
        if options["verbosity"] < 1:
            return
        if created:
            noun = "rule" if created == 1 else "rules"
            self.stdout.write(self.style.SUCCESS(f"Created {created} stay {noun}."))
        else:
            self.stdout.write("No stay rule created: the default rules exist already.")
