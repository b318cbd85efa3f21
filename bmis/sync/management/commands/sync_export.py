"""`manage.py sync_export --out FILE`: the post's exchange, as a signed file for headquarters."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bmis.sync import agent, usb
from bmis.sync.management.errors import agent_errors


class Command(BaseCommand):
    help = (
        "On a post's node with no link to headquarters: write the records waiting to be pushed "
        "and the request for what headquarters changed to one signed file, to be carried on a "
        "USB stick and imported at headquarters (`manage.py sync_import`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="The file to write.")

    def handle(self, *args, out: Path, **options):
        if settings.BMIS_ROLE != "post":
            raise CommandError(_("Only a post's node exports its exchange (BMIS_ROLE=post)."))
        with agent_errors(), agent.single_agent():
            done = usb.export(out)
        message = _(
            "Wrote %(path)s: %(records)s records to push, and the request for what headquarters "
            "changed."
        )
        self.stdout.write(message % {"path": out, "records": done.records})
        if done.more:
            self.stdout.write(usb.more_message())
