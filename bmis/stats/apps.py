from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "bmis.stats"
    label = "stats"

    def ready(self) -> None:
        from bmis.stats import builds  # noqa: F401  (the background jobs' builders)
