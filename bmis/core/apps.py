from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bmis.core"
    label = "core"

    def ready(self) -> None:
        from bmis.core import checks, lookups  # noqa: F401  (registers checks, lookups)
