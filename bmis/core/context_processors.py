from django.conf import settings
from django.db import DatabaseError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bmis.accounts.roles import (
    ALL_ROLES,
    CROSSING_VIEWERS,
    INSPECTION_SUPERVISORS,
    LIST_READERS,
    POST_ROLES,
    STATS_VIEWERS,
    Role,
)

HIT_READERS = LIST_READERS | INSPECTION_SUPERVISORS
# (url name, label, roles that see it): the navigation of each role.
NAVIGATION = [
    ("core:home", pgettext_lazy("navigation", "Home"), ALL_ROLES),
    ("crossings:counter", pgettext_lazy("navigation", "Counter"), POST_ROLES),
    ("crossings:secondary", pgettext_lazy("navigation", "Secondary"), INSPECTION_SUPERVISORS),
    ("crossings:today", pgettext_lazy("navigation", "Crossings"), CROSSING_VIEWERS),
    ("crossings:traveller_search", pgettext_lazy("navigation", "Travellers"), CROSSING_VIEWERS),
    ("crossings:in_country", pgettext_lazy("navigation", "In the country"), CROSSING_VIEWERS),
    ("crossings:cases", pgettext_lazy("navigation", "Cases"), CROSSING_VIEWERS),
    ("stats:dashboard", pgettext_lazy("navigation", "Statistics"), STATS_VIEWERS),
    ("posts:post_list", pgettext_lazy("navigation", "Posts"), ALL_ROLES - POST_ROLES),
    ("accounts:user_list", pgettext_lazy("navigation", "Users"), {Role.ADMIN}),
    ("core:audit_list", pgettext_lazy("navigation", "Audit trail"), {Role.ADMIN}),
    ("sync:network", pgettext_lazy("navigation", "Network"), {Role.ADMIN}),
    ("reference:index", pgettext_lazy("navigation", "Reference data"), ALL_ROLES),
    ("crossings:rules", pgettext_lazy("navigation", "Stay rules"), {Role.ADMIN}),
    ("watchlist:list_index", pgettext_lazy("navigation", "Alert lists"), LIST_READERS),
    (
        "watchlist:retro_hits",
        pgettext_lazy("navigation", "Hits"),
        LIST_READERS | INSPECTION_SUPERVISORS,
    ),
]
# Pages that exist only at headquarters (a 404 on a post's node).
HEADQUARTERS_ONLY = frozenset({"sync:network"})


def node(request):
    """Give every page the node it runs on and the navigation of the signed-in user's role."""
    context = {
        "bmis_node": settings.BMIS_NODE,
        "bmis_role": settings.BMIS_ROLE,
        "bmis_version": settings.VERSION,
        "languages": settings.LANGUAGES,
    }
    try:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in:
            context["navigation"] = _navigation(request, user)
    except DatabaseError:
        pass  # the error page explains; the navigation cannot be built without the database
    return context


def _navigation(request, user) -> list[dict]:
    items = [
        {"url": reverse(name), "label": label}
        for name, label, roles in NAVIGATION
        if user.role in roles and (settings.BMIS_ROLE == "hq" or name not in HEADQUARTERS_ONLY)
    ]
    if user.role in POST_ROLES:
        my_post = reverse("posts:post_detail", args=[user.post.code])
        items.insert(1, {"url": my_post, "label": _("My post")})
    # The current item is the one whose address is the longest prefix of the page's.
    matching = [
        item["url"]
        for item in items
        if item["url"] == request.path
        or (item["url"] != "/" and request.path.startswith(item["url"]))
    ]
    current = max(matching, key=len, default=None)
    for item in items:
        item["current"] = item["url"] == current
    return items
