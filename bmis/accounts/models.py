"""Officers and the other users of OpenBMIS, and the counters behind login lockouts."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bmis.accounts.roles import HQ_ROLES, POST_ROLES, Role
from bmis.core.models import AppendOnlyModel, SyncedModel


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the users `user` may see: all for an administrator, a post's staff otherwise."""
        if user.role == Role.ADMIN:
            return self
        if user.role in POST_ROLES:
            return self.filter(post_id=user.post_id)
        return self.none()


class BmisUserManager(UserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


def default_language() -> str:
    return settings.LANGUAGE_CODE


class User(SyncedModel, AbstractUser):
    """A person who signs in: their role, their post (for post roles) and their language."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    post = models.ForeignKey(
        "posts.Post",
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=default_language
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = BmisUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=sorted(POST_ROLES)) & Q(post__isnull=False))
                | (Q(role__in=sorted(HQ_ROLES)) & Q(post__isnull=True)),
                name="user_post_matches_role",
                violation_error_message=_(
                    "Officers, supervisors and post chiefs belong to a post; "
                    "headquarters roles do not."
                ),
            ),
        ]

    @property
    def is_hq(self) -> bool:
        return self.role in HQ_ROLES

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class LoginThrottle(models.Model):
    """Failed sign-ins counted per typed username and per address, and the lock they lead to.

    Kept on each node and never synchronised: a lockout protects the node it happened on.
    """

    key = models.CharField(max_length=200, primary_key=True)  # "user:<name>" or "addr:<ip>"
    failures = models.PositiveIntegerField(default=0)
    last_failure = models.DateTimeField(null=True)
    locked_until = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.key


class PasswordChange(AppendOnlyModel, SyncedModel):
    """An officer's change of their own password at a post, for headquarters to take.

    Accounts are headquarters' records (one writer): a post does not push its copy of a user,
    and the next account it pulls would put the old password back. So the post pushes this
    record instead; headquarters applies it if its own copy still holds the password the officer
    replaced (`replaced`): an administrator's reset made since wins, whatever the clocks say
    (`accounts.services.password_change_apply`). It travels only between the post and
    headquarters (`sync.registry.PRIVATE`).
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    password = models.CharField(max_length=128)  # the new hash
    replaced = models.CharField(max_length=128)  # the hash it replaced

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
