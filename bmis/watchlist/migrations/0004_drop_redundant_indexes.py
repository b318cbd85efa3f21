"""Drop the indexes of two foreign keys of hits, which every insert pays for: hit review's
person is served by the index (person, entry_id), retroactive hit's crossing by the unique
constraint one_retro_hit_per_entry (crossing, watchlist, entry_id).

The fields' `db_index=False` changes the migration state only: on SQLite, altering the fields
would copy each table whole, and dropping the old table drops its change-log triggers
(bmis/sync/triggers.py). The indexes are dropped by name instead, the same names on both
databases.
"""

import django.db.models.deletion
from django.db import migrations, models

# {index: (table, column)}, as 0001_initial made them.
DROPPED = {
    "watchlist_hitreview_person_id_700c3030": ("watchlist_hitreview", "person_id"),
    "watchlist_retrohit_crossing_id_16e148d2": ("watchlist_retrohit", "crossing_id"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("crossings", "0003_drop_redundant_indexes"),
        ("watchlist", "0003_entries_changed_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name in DROPPED],
                    [
                        f'CREATE INDEX "{name}" ON "{table}" ("{column}")'
                        for name, (table, column) in DROPPED.items()
                    ],
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="hitreview",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="crossings.person",
                        verbose_name="traveller",
                    ),
                ),
                migrations.AlterField(
                    model_name="retrohit",
                    name="crossing",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="crossings.crossing",
                        verbose_name="crossing",
                    ),
                ),
            ],
        ),
    ]
