from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
                self.stderr.write(_("BROKEN: %(where)s") % {"where": found.describe()})
            raise CommandError(
                ngettext(
                    "The audit trail is broken at %(count)d node.",
                    "The audit trail is broken at %(count)d nodes.",
                    len(breaks),
                )
                % {"count": len(breaks)}
            )
        events = AuditEvent.objects.filter(origin__in=node) if node else AuditEvent.objects.all()
        count = events.count()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "The audit trail is intact: %(count)d event verified.",
                    "The audit trail is intact: %(count)d events verified.",
                    count,
                )
                % {"count": count}
            )
        )
