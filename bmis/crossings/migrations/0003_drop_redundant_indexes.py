"""Drop indexes no query needs, which every insert pays for (headquarters ingests posts' records).

- A foreign key's own index, where an index or unique constraint led by the same column serves
  every query on it: crossing.post by (post, at), crossing.person by (person, at),
  person.entry_post by (entry_post, present, permitted_until), staycase.person by the unique
  constraint one_case_per_fault (person, code, crossing_ids).
- On PostgreSQL, the `varchar_pattern_ops` index for LIKE that a foreign key to a text primary
  key gets, and no query uses: crossing.purpose and crossing.refusal_reason keep a plain index,
  declared in Meta.

The fields' `db_index=False` changes the migration state only. On SQLite, altering the fields
would copy each table whole (every crossing, four times), and dropping the old table drops its
change-log triggers (bmis/sync/triggers.py): a post would stop recording what it has to push. The
indexes are dropped by name instead, the same names on both databases.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# {index: (table, column)}, as 0001_initial made them.
DROPPED = {
    "crossings_crossing_post_id_1ad847e5": ("crossings_crossing", "post_id"),
    "crossings_crossing_person_id_62eafe4f": ("crossings_crossing", "person_id"),
    "crossings_crossing_purpose_id_c5c8c17e": ("crossings_crossing", "purpose_id"),
    "crossings_crossing_refusal_reason_id_dbd1af4d": ("crossings_crossing", "refusal_reason_id"),
    "crossings_person_entry_post_id_c8659e83": ("crossings_person", "entry_post_id"),
    "crossings_staycase_person_id_3f319eab": ("crossings_staycase", "person_id"),
}
# PostgreSQL only: the LIKE indexes.
DROPPED_LIKE = {
    "crossings_crossing_purpose_id_c5c8c17e_like": ("crossings_crossing", "purpose_id"),
    "crossings_crossing_refusal_reason_id_dbd1af4d_like": (
        "crossings_crossing",
        "refusal_reason_id",
    ),
}


def drop(apps, schema_editor):
    for name in [*DROPPED, *DROPPED_LIKE]:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def restore(apps, schema_editor):
    for name, (table, column) in DROPPED.items():
        schema_editor.execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}")')
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, column) in DROPPED_LIKE.items():
            schema_editor.execute(
                f'CREATE INDEX "{name}" ON "{table}" ("{column}" varchar_pattern_ops)'
            )


class Migration(migrations.Migration):
    dependencies = [
        ("crossings", "0002_person_merge"),
        ("posts", "0001_initial"),
        ("reference", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="crossing",
            index=models.Index(fields=["purpose"], name="crossings_c_purpose_0135d7_idx"),
        ),
        migrations.AddIndex(
            model_name="crossing",
            index=models.Index(fields=["refusal_reason"], name="crossings_c_refusal_fd08bf_idx"),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, restore)],
            state_operations=[
                migrations.AlterField(
                    model_name="crossing",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="crossings",
                        to="crossings.person",
                        verbose_name="traveller",
                    ),
                ),
                migrations.AlterField(
                    model_name="crossing",
                    name="post",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="posts.post",
                        verbose_name="post",
                    ),
                ),
                migrations.AlterField(
                    model_name="crossing",
                    name="purpose",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="reference.travelpurpose",
                        verbose_name="purpose of travel",
                    ),
                ),
                migrations.AlterField(
                    model_name="crossing",
                    name="refusal_reason",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="reference.refusalreason",
                        verbose_name="reason for refusal",
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="entry_post",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="posts.post",
                        verbose_name="post of entry",
                    ),
                ),
                migrations.AlterField(
                    model_name="staycase",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cases",
                        to="crossings.person",
                    ),
                ),
            ],
        ),
    ]
