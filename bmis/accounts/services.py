"""Writes on accounts: users, passwords, languages, and the sign-in lockout.

The lockout is ours rather than django-axes': we need separate limits per account and per
address (a post's counters can share one address), the time left in the user's language, and
every failure and lock in our own hash-chained audit trail; axes has one failure limit for all
its parameters and its own log tables.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bmis.accounts.models import LoginThrottle, PasswordChange, User
from bmis.accounts.roles import HQ_ROLES, POST_ROLES, Role
from bmis.core import audit

USER_FIELDS = ("username", "first_name", "last_name", "email", "role", "post", "language")


def check_role_and_post(role: str, post) -> None:
    """Refuse a post role without a post, or a headquarters role with one."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if role in POST_ROLES and post is None:
        raise ValidationError({"post": _("Officers, supervisors and post chiefs need a post.")})
    if role in HQ_ROLES and post is not None:
        raise ValidationError({"post": _("Headquarters roles are not assigned to a post.")})


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    post=None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = settings.LANGUAGE_CODE,
    must_change_password: bool = True,
    request: HttpRequest | None = None,
) -> User:
    """Create a user with a first password, which they must change unless told otherwise."""
    check_role_and_post(role, post)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        post=post,
        language=language,
        is_staff=role == Role.ADMIN,
        must_change_password=must_change_password,
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save(force_insert=True)
        audit.record(
            actor=actor,
            action="user.created",
            obj=user,
            request=request,
            details={"username": username, "role": role, "post": post.code if post else None},
        )
    return user


def user_update(*, actor: User, user: User, request: HttpRequest | None = None, **changes) -> User:
    """Change a user's details, role, post, language or active state; audit what changed."""
    allowed = {*USER_FIELDS, "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"user_update() cannot change {', '.join(sorted(unknown))}")
    before = {name: _audit_value(getattr(user, name)) for name in changes}
    for name, value in changes.items():
        setattr(user, name, value)
    check_role_and_post(user.role, user.post)
    if user.pk == actor.pk and (not user.is_active or user.role != Role.ADMIN):
        raise ValidationError(_("You cannot remove your own administrator access."))
    user.is_staff = user.role == Role.ADMIN
    user.updated_at = timezone.now()
    user.full_clean()
    changed = {
        name: {"from": before[name], "to": _audit_value(getattr(user, name))}
        for name in changes
        if before[name] != _audit_value(getattr(user, name))
    }
    if not changed:
        return user
    with transaction.atomic():
        user.save()
        audit.record(actor=actor, action="user.updated", obj=user, request=request, details=changed)
    return user


def _audit_value(value):
    return getattr(value, "code", value) if value is not None else None


def user_reset_password(
    *, actor: User, user: User, password: str, request: HttpRequest | None = None
) -> None:
    """Give a user a temporary password (an administrator's act); they must change it."""
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.updated_at = timezone.now()
    with transaction.atomic():
        user.save(update_fields=["password", "must_change_password", "updated_at"])
        LoginThrottle.objects.filter(key=_user_key(user.username)).delete()
        audit.record(actor=actor, action="user.password_reset", obj=user, request=request)


def password_change(*, user: User, new_password: str, request: HttpRequest | None = None) -> None:
    """Change the user's own password (already checked against the old one by the form).

    At a post the change is also written as a `PasswordChange`, which the sync agent pushes:
    headquarters owns accounts and takes it from there (`password_change_apply`).
    """
    replaced = user.password
    user.set_password(new_password)
    user.must_change_password = False
    user.updated_at = timezone.now()
    with transaction.atomic():
        user.save(update_fields=["password", "must_change_password", "updated_at"])
        if settings.BMIS_ROLE == "post":
            PasswordChange.objects.create(user=user, password=user.password, replaced=replaced)
        audit.record(actor=user, action="user.password_changed", obj=user, request=request)


def password_change_apply(change: PasswordChange, *, post_id) -> bool:
    """At headquarters, in the transaction that stored `change`: make it the user's password if
    the user is the post's and headquarters' copy still holds the password it replaced; return
    whether it was applied. Applied in the order the post made them, each once (a hash is never
    the one it replaced: a change received again finds its own password there)."""
    user = User.objects.select_for_update().filter(pk=change.user_id, post_id=post_id).first()
    if user is None or user.password == change.password:
        return False
    if user.password != change.replaced:  # reset by an administrator since: the reset stands
        audit.record(actor=None, action="user.password_change_superseded", obj=user,
                     details={"at_post": change.origin, "change": str(change.pk)})  # fmt: skip
        return False
    user.password, user.must_change_password = change.password, False
    user.updated_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "updated_at"])
    audit.record(actor=None, action="user.password_changed", obj=user,
                 details={"at_post": change.origin, "change": str(change.pk)})  # fmt: skip
    return True


def user_set_language(*, user: User, language: str, request: HttpRequest | None = None) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("This language is not offered.")})
    if user.language == language:
        return
    with transaction.atomic():
        previous, user.language = user.language, language
        user.save(update_fields=["language"])
        audit.record(
            actor=user,
            action="user.language_changed",
            obj=user,
            request=request,
            details={"from": previous, "to": language},
        )


# --- Sign-in lockout --------------------------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    until: datetime
    scope: str  # "account" or "address"

    def minutes_left(self, now: datetime | None = None) -> int:
        seconds = (self.until - (now or timezone.now())).total_seconds()
        return max(1, int(-(-seconds // 60)))


def _user_key(username: str) -> str:
    return f"user:{username.strip().casefold()}"


def _addr_key(address: str | None) -> str:
    return f"addr:{address or 'unknown'}"


def login_lockout(*, username: str, address: str | None) -> Lockout | None:
    """Return the lockout that applies to this username or this address now, if any."""
    now = timezone.now()
    rows = LoginThrottle.objects.filter(
        key__in=[_user_key(username), _addr_key(address)], locked_until__gt=now
    )
    found = max(rows, key=lambda row: row.locked_until, default=None)
    if found is None:
        return None
    return Lockout(found.locked_until, "account" if found.key.startswith("user:") else "address")


def login_failed(*, username: str, request: HttpRequest) -> Lockout | None:
    """Count a failed sign-in for the username and the address; lock either at its limit."""
    address = audit.client_address(request)
    now = timezone.now()
    window = timedelta(minutes=settings.BMIS_LOCKOUT_MINUTES)
    limits = {
        _user_key(username): settings.BMIS_LOCKOUT_ACCOUNT_FAILURES,
        _addr_key(address): settings.BMIS_LOCKOUT_ADDRESS_FAILURES,
    }
    locked = None
    with transaction.atomic():
        audit.record(
            actor=None,
            action="login.failed",
            request=request,
            object_type="username",
            object_id=username[:64],
        )
        for key, limit in limits.items():
            row, _created = LoginThrottle.objects.select_for_update().get_or_create(key=key)
            if row.last_failure is None or row.last_failure < now - window:
                row.failures = 0  # failures long ago do not add up to a lock
            row.failures += 1
            row.last_failure = now
            if row.failures >= limit:
                row.failures, row.locked_until = 0, now + window
                scope = "account" if key.startswith("user:") else "address"
                locked = Lockout(row.locked_until, scope)
                audit.record(
                    actor=None,
                    action="login.locked",
                    request=request,
                    object_type="username",
                    object_id=username[:64],
                    details={"scope": scope, "until": row.locked_until},
                )
            row.save()
    return locked


def login_refused(*, username: str, request: HttpRequest) -> None:
    """Record a sign-in refused because the account or the address is locked."""
    audit.record(
        actor=None,
        action="login.refused_locked",
        request=request,
        object_type="username",
        object_id=username[:64],
    )


def login_succeeded(*, user: User, request: HttpRequest) -> None:
    with transaction.atomic():
        LoginThrottle.objects.filter(key=_user_key(user.username)).delete()
        audit.record(actor=user, action="login", obj=user, request=request)


def lockout_clear(*, actor: User, user: User, request: HttpRequest | None = None) -> bool:
    """Lift the lock on a user's account (an administrator's act); return whether one was set."""
    with transaction.atomic():
        deleted, _rows = LoginThrottle.objects.filter(key=_user_key(user.username)).delete()
        if deleted:
            audit.record(actor=actor, action="user.unlocked", obj=user, request=request)
    return bool(deleted)


def locked_usernames(now: datetime | None = None) -> set[str]:
    """Return the typed usernames (case-folded) locked out now."""
    rows = LoginThrottle.objects.filter(
        key__startswith="user:", locked_until__gt=now or timezone.now()
    )
    return {row.key.removeprefix("user:") for row in rows}
