from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "bmis.reference"
    label = "reference"
