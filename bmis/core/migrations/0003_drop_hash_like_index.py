"""Drop, on PostgreSQL, the `varchar_pattern_ops` index for LIKE of the audit event's hash.

Django makes it beside the unique index of a unique text field; every insert pays for it, and no
query uses it: the hash is only compared by equality, which the unique index
`core_auditevent_hash_key` serves. Django's state does not know of LIKE indexes, so the state is
unchanged. SQLite never had it.
"""

from django.db import migrations

INDEX, TABLE, COLUMN = "core_auditevent_hash_f08202aa_like", "core_auditevent", "hash"


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "{INDEX}" ON "{TABLE}" ("{COLUMN}" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_drop_redundant_indexes")]

    operations = [migrations.RunPython(drop, restore)]
