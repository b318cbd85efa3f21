"""The roles of OpenBMIS's users and what each may reach.

Officers, supervisors and post chiefs belong to one post and see only its data; the headquarters
roles see the nation. A view names the roles it admits (`role_required`), and reads start from
what the user may see (`Post.objects.visible_to(user)`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Immigration officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    POST_CHIEF = "post_chief", _("Post chief")
    ANALYST = "analyst", _("Headquarters analyst")
    WATCHLIST_MANAGER = "watchlist_manager", _("Watchlist manager")
    ADMIN = "admin", _("Administrator")


POST_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.POST_CHIEF})
HQ_ROLES = frozenset({Role.ANALYST, Role.WATCHLIST_MANAGER, Role.ADMIN})
ALL_ROLES = POST_ROLES | HQ_ROLES

# Who sees the staff of a post and manages its counters.
POST_MANAGERS = frozenset({Role.POST_CHIEF, Role.ADMIN})
STAFF_VIEWERS = frozenset({Role.SUPERVISOR, Role.POST_CHIEF, Role.ADMIN})

# Who completes referrals to secondary inspection, corrects crossings and overrides failed checks.
INSPECTION_SUPERVISORS = frozenset({Role.SUPERVISOR, Role.POST_CHIEF})

# Who reads crossings and travellers: a post's staff (their post's lists), analysts and
# administrators (the nation's).
CROSSING_VIEWERS = POST_ROLES | frozenset({Role.ANALYST, Role.ADMIN})

# Who reads the statistics: analysts and administrators (the nation's), post chiefs (their
# post's).
STATS_VIEWERS = frozenset({Role.ANALYST, Role.ADMIN, Role.POST_CHIEF})

# Who reads the alert lists (headquarters), and who changes them.
LIST_READERS = frozenset({Role.WATCHLIST_MANAGER, Role.ANALYST, Role.ADMIN})
LIST_EDITORS = frozenset({Role.WATCHLIST_MANAGER})
