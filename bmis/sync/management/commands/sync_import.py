"""`manage.py sync_import FILE [--out ANSWER]`: take the other side's exchange file."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bmis.sync import agent, usb
from bmis.sync.management.errors import agent_errors


class Command(BaseCommand):
    help = (
        "At headquarters: take a post's exchange file (`manage.py sync_export`), store what it "
        "carries and write headquarters' signed answer (--out, by default beside the file). At "
        "the post: take headquarters' answer. A file taken twice changes nothing more."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The file to import.")
        parser.add_argument("--out", type=Path, help="At headquarters: where to write the answer.")

    def handle(self, *args, file: Path, out: Path | None, **options):
        with agent_errors():
            if settings.BMIS_ROLE == "hq":
                out = out or usb.answer_path(file)
                if out.resolve() == file.resolve():
                    raise CommandError(_("The answer cannot be written over the file it answers."))
                done = usb.take_request(file, out)
            else:
                with agent.single_agent():
                    done = usb.take_answer(file)
        if settings.BMIS_ROLE == "hq":
            message = _(
                "Took the file of post %(post)s: %(stored)s records stored, %(refused)s refused, "
                "%(pulled)s sent back. Answer written to %(path)s."
            )
            self.stdout.write(
                message
                % {
                    "post": done.post,
                    "stored": done.pushed,
                    "refused": done.refused,
                    "pulled": done.pulled,
                    "path": out,
                }
            )
        else:
            self.stdout.write(
                _("Pushed %(pushed)s records, pulled %(pulled)s, %(refused)s refused.")
                % {"pushed": done.pushed, "pulled": done.pulled, "refused": done.refused}
            )
        if done.problem:
            self.stdout.write(
                _("Headquarters refused a batch: %(reason)s") % {"reason": done.problem}
            )
        if done.more:
            self.stdout.write(usb.more_message())
