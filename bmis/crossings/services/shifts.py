"""Officers' shifts at counters: opened, switched and closed, each audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.accounts.roles import POST_ROLES
from bmis.core import audit
from bmis.crossings.models import (
    Crossing,
    Direction,
    Shift,
)
from bmis.posts.models import Counter


def shift_open(
    *, officer, counter: Counter, direction: str, request: HttpRequest | None = None
) -> Shift:
    """Open a shift for `officer` at `counter`, closing the officer's previous one."""
    if officer.role not in POST_ROLES or officer.post_id != counter.post_id:
        raise ValidationError(_("You can open only a counter of your own post."))
    if not counter.is_active:
        raise ValidationError({"counter": _("This counter is closed.")})
    if direction not in Direction.values:
        raise ValidationError({"direction": _("Choose entry or exit.")})
    with transaction.atomic():
        held = Shift.objects.open().filter(counter=counter).exclude(officer=officer).first()
        if held is not None:
            raise ValidationError(
                {
                    "counter": _("Counter %(code)s is held by %(name)s since %(time)s.")
                    % {
                        "code": counter.code,
                        "name": held.officer.get_full_name() or held.officer.username,
                        "time": timezone.localtime(held.opened_at).strftime("%H:%M"),
                    }
                }
            )
        for previous in Shift.objects.open().filter(officer=officer):
            _close(previous, officer, request)
        shift = Shift.objects.create(
            officer=officer, post_id=counter.post_id, counter=counter, direction=direction
        )
        audit.record(
            actor=officer,
            action="shift.opened",
            obj=shift,
            request=request,
            details={"counter": counter.code, "direction": direction},
        )
    return shift


def _close(shift: Shift, actor, request) -> None:
    shift.closed_at = timezone.now()
    shift.save(update_fields=["closed_at"])
    count = Crossing.objects.filter(shift=shift).count()
    audit.record(
        actor=actor,
        action="shift.closed",
        obj=shift,
        request=request,
        details={"counter": shift.counter.code, "crossings": count},
    )


def shift_close(*, officer, shift: Shift, request: HttpRequest | None = None) -> None:
    """Close an officer's open shift."""
    if shift.officer_id != officer.pk or shift.closed_at is not None:
        raise ValidationError(_("This shift is not open in your name."))
    with transaction.atomic():
        _close(shift, officer, request)
