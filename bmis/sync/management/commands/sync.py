"""`manage.py sync [--loop]`: exchange with headquarters once, or as a service with backoff."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bmis.sync import agent, client
from bmis.sync.management.errors import agent_errors


class Command(BaseCommand):
    help = (
        "On a post's node: push what was recorded here and pull what headquarters changed. "
        "--loop runs until stopped, every BMIS_SYNC_INTERVAL_SECONDS, waiting longer after each "
        "failure (up to an hour)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")

    def handle(self, *args, loop: bool, **options):
        if settings.BMIS_ROLE != "post":
            raise CommandError(_("Only a post's node synchronises (BMIS_ROLE=post)."))
        with agent_errors():
            agent.state()
            with agent.single_agent():
                if loop:
                    self._loop()
                else:
                    self._once()

    def _once(self) -> None:
        try:
            done = agent.sync_once()
        except (client.HQRefused, client.LinkDown) as exc:
            agent.note_error(str(exc))
            raise CommandError(_("Synchronisation failed: %(reason)s") % {"reason": exc}) from None
        self.stdout.write(
            _("Pushed %(pushed)s records, pulled %(pulled)s, %(refused)s refused.")
            % {"pushed": done.pushed, "pulled": done.pulled, "refused": len(done.refused)}
        )

    def _loop(self) -> None:
        stopping = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.set())
        agent.loop(
            interval=settings.BMIS_SYNC_INTERVAL_SECONDS,
            stop=stopping.is_set,
            sleep=stopping.wait,
        )
