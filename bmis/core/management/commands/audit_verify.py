from django.core.management.base import BaseCommand, CommandError

from bmis.core import audit
from bmis.core.models import AuditEvent


class Command(BaseCommand):
    help = "Walk the audit chain of every node; exit non-zero naming the first broken event."

    def add_arguments(self, parser):
        parser.add_argument("--node", action="append", help="only this node (repeatable)")

    def handle(self, *args, node=None, **options):
        breaks = audit.verify(node)
        if breaks:
            for found in breaks:
                self.stderr.write(f"BROKEN: {found.describe()}")
            raise CommandError(f"The audit trail is broken at {len(breaks)} node(s).")
        total = AuditEvent.objects.filter(origin__in=node).count() if node else None
        total = total if total is not None else AuditEvent.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"The audit trail is intact: {total} events verified.")
        )
