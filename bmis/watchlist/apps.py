from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchlistConfig(AppConfig):
    name = "bmis.watchlist"
    verbose_name = _("Alert lists")

    def ready(self) -> None:
        from bmis.watchlist import checks  # noqa: F401  (adds screening to the counter's checks)
