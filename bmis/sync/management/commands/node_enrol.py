"""`manage.py node_enrol --hq URL --code CODE`: make this machine its post's node."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bmis.sync import agent, client
from bmis.sync.management.errors import agent_errors


class Command(BaseCommand):
    help = (
        "On a post's machine: enrol with headquarters using the one-time code it gave for this "
        "post, then receive the post's staff, configuration, reference data, rules and lists. On "
        "a machine that replaces a lost one, the post's records come back too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hq", required=True, help="Headquarters' address (https://…).")
        parser.add_argument("--code", required=True, help="The enrolment code.")

    def handle(self, *args, hq: str, code: str, **options):
        if settings.BMIS_ROLE != "post":
            raise CommandError(_("Only a post's node enrols (BMIS_ROLE=post)."))
        try:
            with agent_errors(), agent.single_agent():
                agent.enrol(hq_url=hq, code=code)
        except client.HQRefused as exc:
            raise CommandError(_("Headquarters refused: %(reason)s") % {"reason": exc}) from None
        except client.LinkDown as exc:
            raise CommandError(
                _("Headquarters cannot be reached: %(reason)s") % {"reason": exc}
            ) from None
        self.stdout.write(
            _("This machine is now the node of post %(post)s.") % {"post": settings.BMIS_POST}
        )
