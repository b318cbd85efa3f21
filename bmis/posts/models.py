"""Border posts (air, sea and land ports, mobile checkpoints) and their counters."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bmis.accounts.roles import POST_ROLES
from bmis.core.models import SyncedModel


class PostType(models.TextChoices):
    AIR = "air", pgettext_lazy("post type", "Air")
    SEA = "sea", pgettext_lazy("post type", "Sea")
    LAND = "land", pgettext_lazy("post type", "Land")
    MOBILE = "mobile", pgettext_lazy("post type", "Mobile")


class Department(models.TextChoices):
    """Haiti's ten departments, by their ISO 3166-2 codes."""

    ARTIBONITE = "HT-AR", "Artibonite"
    CENTRE = "HT-CE", "Centre"
    GRANDE_ANSE = "HT-GA", "Grand'Anse"
    NIPPES = "HT-NI", "Nippes"
    NORD = "HT-ND", "Nord"
    NORD_EST = "HT-NE", "Nord-Est"
    NORD_OUEST = "HT-NO", "Nord-Ouest"
    OUEST = "HT-OU", "Ouest"
    SUD = "HT-SD", "Sud"
    SUD_EST = "HT-SE", "Sud-Est"


class PostQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the posts `user` may see: their own for post roles, every post for HQ."""
        if user.role in POST_ROLES:
            return self.filter(pk=user.post_id)
        return self

    def active(self):
        return self.filter(is_active=True)


class Post(SyncedModel):
    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("type"), max_length=10, choices=PostType.choices)
    department = models.CharField(
        _("department"), max_length=5, choices=Department.choices, blank=True
    )
    locality = models.CharField(_("locality"), max_length=80, blank=True)
    facing = models.CharField(_("facing"), max_length=120, blank=True)
    iata = models.CharField(_("IATA code"), max_length=3, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Counter(SyncedModel):
    """A desk where officers inspect travellers; each post has one or more."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="counters"
    )
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=80)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["post__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["post", "code"], name="counter_code_unique_per_post"),
        ]

    def __str__(self) -> str:
        return f"{self.post.code}/{self.code}"
