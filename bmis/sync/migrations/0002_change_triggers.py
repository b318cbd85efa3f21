"""Triggers that write the change log for every table that travels (bmis/sync/triggers.py)."""

from django.db import migrations

from bmis.sync import triggers

# {table: (primary key column, has an origin column)}, as the tables were at this migration.
TABLES = {
    "reference_country": ("code", False),
    "reference_refusalreason": ("code", False),
    "reference_travelpurpose": ("code", False),
    "posts_post": ("id", True),
    "posts_counter": ("id", True),
    "accounts_user": ("id", True),
    "crossings_stayrule": ("id", True),
    "watchlist_watchlist": ("id", True),
    "watchlist_listedperson": ("id", True),
    "watchlist_listeddocument": ("id", True),
    "crossings_person": ("id", True),
    "crossings_traveldocument": ("id", True),
    "crossings_shift": ("id", True),
    "crossings_crossing": ("id", True),
    "crossings_photo": ("id", True),
    "watchlist_hitreview": ("id", True),
    "watchlist_retrohit": ("id", True),
    "core_auditevent": ("id", True),
}


def install(apps, schema_editor):
    triggers.install(schema_editor, TABLES)


def uninstall(apps, schema_editor):
    triggers.uninstall(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0001_initial"),
        ("reference", "0001_initial"),
        ("accounts", "0001_initial"),
        ("core", "0001_initial"),
        ("crossings", "0001_initial"),
        ("watchlist", "0003_entries_changed_index"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
