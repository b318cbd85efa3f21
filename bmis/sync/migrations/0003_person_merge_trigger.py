"""The change log's triggers on headquarters' merges of travellers."""

from django.db import migrations

from bmis.sync import triggers

TABLES = {"crossings_personmerge": ("id", True)}


def install(apps, schema_editor):
    triggers.install(schema_editor, TABLES)


def uninstall(apps, schema_editor):
    triggers.uninstall(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0002_change_triggers"),
        ("crossings", "0002_person_merge"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
