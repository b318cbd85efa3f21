"""What stops a sync command at a post, said as a CommandError in the user's language."""

import contextlib
from collections.abc import Iterator

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from bmis.sync import agent, usb


@contextlib.contextmanager
def agent_errors() -> Iterator[None]:
    """Turn a node not enrolled, another agent at work or a bad exchange file into a
    CommandError."""
    try:
        yield
    except agent.NotEnrolled:
        raise CommandError(
            _("This node is not enrolled: run `manage.py node_enrol` first.")
        ) from None
    except BlockingIOError:
        raise CommandError(_("Another sync agent is running on this node.")) from None
    except usb.ExchangeFileError as exc:
        raise CommandError(str(exc)) from None
