"""Index the keys most crossings leave empty over the rows that have one, and drop name_key's.

Every insert at headquarters (which ingests posts' records) pays for each index, and a btree
holds an entry for every NULL: for `refusal_reason`, `accompanied_by`, `override_by`,
`corrects` and `resolves`, nearly every row. No query reads those entries: the queries compare
the key to a value (`corrects = x`, a reverse relation, the check a PROTECT delete makes), which
implies NOT NULL, so each index is made partial, `WHERE <column> IS NOT NULL`.

- `refusal_reason`, `accompanied_by` and `override_by`: partial indexes declared in Meta (the
  fields' `db_index=False`).
- `corrects` and `resolves`, one-to-one: on PostgreSQL, the unique constraint becomes a partial
  unique index, which refuses the same rows (NULLs never conflict). Django's state is left as it
  is: a OneToOneField is unique, and its uniqueness cannot be declared partial, so Django still
  knows the field is unique but not that the database's index is partial. A later migration
  that removes their uniqueness must therefore drop these indexes by name: Django would look for
  a constraint (`ALTER TABLE … DROP CONSTRAINT`). On SQLite the columns are declared UNIQUE in
  the table itself, whose automatic index cannot be dropped without copying the table: they keep
  it (a post's inserts are few).
- `Person.name_key`: its index and, on PostgreSQL, its `varchar_pattern_ops` twin go. The only
  query on it is `contains` (LIKE '%…%'), which neither serves.

The fields' changes are made in the migration state only. On SQLite, altering the fields would
copy the tables whole, and dropping the old table drops its change-log triggers
(bmis/sync/triggers.py): a post would stop recording what it has to push. The indexes are made
and dropped by name instead, the same names on both databases.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# {index: (table, column)}, made over the rows whose column is not NULL.
PARTIAL = {
    "crossings_refusal_reason_idx": ("crossings_crossing", "refusal_reason_id"),
    "crossings_accompanied_by_idx": ("crossings_crossing", "accompanied_by_id"),
    "crossings_override_by_idx": ("crossings_crossing", "override_by_id"),
}
# {index: (table, column)}, as 0001_initial and 0003 made them.
DROPPED = {
    "crossings_c_refusal_fd08bf_idx": ("crossings_crossing", "refusal_reason_id"),
    "crossings_crossing_accompanied_by_id_cc5c5008": ("crossings_crossing", "accompanied_by_id"),
    "crossings_crossing_override_by_id_03abc6dc": ("crossings_crossing", "override_by_id"),
    "crossings_person_name_key_c501ad07": ("crossings_person", "name_key"),
}
# PostgreSQL only.
DROPPED_LIKE = {"crossings_person_name_key_c501ad07_like": ("crossings_person", "name_key")}
UNIQUE = {  # {constraint made by 0001_initial: (partial unique index, column)}
    "crossings_crossing_corrects_id_key": ("crossings_corrects_unique", "corrects_id"),
    "crossings_crossing_resolves_id_key": ("crossings_resolves_unique", "resolves_id"),
}
CROSSING = "crossings_crossing"


def make_partial(apps, schema_editor):
    execute = schema_editor.execute
    for name, (table, column) in PARTIAL.items():
        execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}") WHERE "{column}" IS NOT NULL')
    for name in [*DROPPED, *DROPPED_LIKE]:
        execute(f'DROP INDEX IF EXISTS "{name}"')
    if schema_editor.connection.vendor == "postgresql":
        for constraint, (name, column) in UNIQUE.items():
            execute(
                f'CREATE UNIQUE INDEX "{name}" ON "{CROSSING}" ("{column}") '
                f'WHERE "{column}" IS NOT NULL'
            )
            execute(f'ALTER TABLE "{CROSSING}" DROP CONSTRAINT IF EXISTS "{constraint}"')


def restore(apps, schema_editor):
    execute = schema_editor.execute
    for name, (table, column) in DROPPED.items():
        execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}")')
    for name in PARTIAL:
        execute(f'DROP INDEX IF EXISTS "{name}"')
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, column) in DROPPED_LIKE.items():
            execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}" varchar_pattern_ops)')
        for constraint, (name, column) in UNIQUE.items():
            execute(f'ALTER TABLE "{CROSSING}" ADD CONSTRAINT "{constraint}" UNIQUE ("{column}")')
            execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("crossings", "0003_drop_redundant_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(make_partial, restore)],
            state_operations=[
                migrations.RemoveIndex(
                    model_name="crossing", name="crossings_c_refusal_fd08bf_idx"
                ),
                migrations.AlterField(
                    model_name="crossing",
                    name="accompanied_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="minors",
                        to="crossings.crossing",
                        verbose_name="travelling with",
                    ),
                ),
                migrations.AlterField(
                    model_name="crossing",
                    name="override_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="checks overridden by",
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="name_key",
                    field=models.CharField(editable=False, max_length=250),
                ),
                migrations.AddIndex(
                    model_name="crossing",
                    index=models.Index(
                        condition=models.Q(("refusal_reason__isnull", False)),
                        fields=["refusal_reason"],
                        name="crossings_refusal_reason_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="crossing",
                    index=models.Index(
                        condition=models.Q(("accompanied_by__isnull", False)),
                        fields=["accompanied_by"],
                        name="crossings_accompanied_by_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="crossing",
                    index=models.Index(
                        condition=models.Q(("override_by__isnull", False)),
                        fields=["override_by"],
                        name="crossings_override_by_idx",
                    ),
                ),
            ],
        ),
    ]
