"""Drop the index of the audit event's actor, which every insert pays for: the index (actor, at)
serves every query on the actor.

The field's `db_index=False` changes the migration state only: on SQLite, altering the field
would copy the table whole, and dropping the old table drops its change-log triggers
(bmis/sync/triggers.py). The index is dropped by name instead, the same name on both databases.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX, TABLE, COLUMN = "core_auditevent_actor_id_3bd0c673", "core_auditevent", "actor_id"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    f'CREATE INDEX "{INDEX}" ON "{TABLE}" ("{COLUMN}")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
        ),
    ]
