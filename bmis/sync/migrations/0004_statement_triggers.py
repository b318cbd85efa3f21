"""The change log's triggers again: inserts logged a statement at a time on PostgreSQL, and
updates of only the columns a table keeps at home not logged (bmis/sync/triggers.py)."""

from django.db import migrations

from bmis.sync import triggers

# Every table that travels, as at this migration: {table: (primary key column, has origin)}.
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
    "crossings_personmerge": ("id", True),
    "crossings_photo": ("id", True),
    "watchlist_hitreview": ("id", True),
    "watchlist_retrohit": ("id", True),
    "core_auditevent": ("id", True),
}

# The columns carried by the tables that keep some at home (a traveller's whereabouts, a user's
# last sign-in): an update of only the others logs nothing.
CARRIED = {
    "crossings_person": ["origin", "created_at", "surname", "given_names", "name_key",
                         "birth_date", "birth_date_raw", "sex", "nationality"],
    "accounts_user": ["password", "is_superuser", "username", "first_name", "last_name", "email",
                      "is_staff", "is_active", "date_joined", "origin", "created_at", "role",
                      "post_id", "language", "must_change_password", "updated_at"],
}  # fmt: skip


def install(apps, schema_editor):
    triggers.uninstall(schema_editor, TABLES)
    triggers.install(schema_editor, TABLES, CARRIED)


def reinstall(apps, schema_editor):
    triggers.uninstall(schema_editor, TABLES)
    triggers.install(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("sync", "0003_person_merge_trigger")]

    operations = [migrations.RunPython(install, reinstall)]
