"""Access control for views: who may reach a page, and the audited refusal when they may not."""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext

from bmis.accounts.roles import POST_ROLES
from bmis.core import audit


def deny(request: HttpRequest, message: str, **details) -> PermissionDenied:
    """Record a refused access in the audit trail and return the exception to raise."""
    audit.record(
        actor=request.user,
        action="access.denied",
        request=request,
        details={"path": request.path, "method": request.method, **details},
    )
    return PermissionDenied(message)


def role_required(*roles: Iterable[str] | str) -> Callable:
    """Admit signed-in users of the given roles; send others to sign in, or refuse them (403)."""
    allowed = frozenset(
        r for group in roles for r in ([group] if isinstance(group, str) else group)
    )

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in allowed:
                raise deny(request, gettext("Your role does not give access to this page."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def check_post(request: HttpRequest, post) -> None:
    """Refuse (403, audited) a post-bound user who asks for another post's page."""
    user = request.user
    if user.role in POST_ROLES and user.post_id != post.pk:
        raise deny(
            request,
            gettext(
                "This page belongs to the post %(other)s. You can see only the data of your "
                "post, %(own)s."
            )
            % {"other": post.code, "own": user.post.code},
            post=post.code,
        )
