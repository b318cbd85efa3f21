from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "bmis.stats"
    label = "stats"
