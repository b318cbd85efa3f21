"""The change log's insert trigger on PostgreSQL reads the key and origin columns of the rows a
statement wrote, not each whole row as JSON (bmis/sync/triggers.py): the same log, faster."""

from django.db import migrations

from bmis.sync import triggers

BEFORE = """
CREATE OR REPLACE FUNCTION sync_capture_rows() RETURNS trigger AS $$
BEGIN
    INSERT INTO sync_change ("table", row_id, origin, txid, pulled)
    SELECT TG_TABLE_NAME, rows.r ->> TG_ARGV[0], COALESCE(rows.r ->> 'origin', ''),
           pg_current_xact_id()::text::bigint, false
    FROM (SELECT to_jsonb(n) AS r FROM sync_new AS n) AS rows;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def functions(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("sync", "0007_node_backup")]

    operations = [migrations.RunPython(functions(triggers.PG_FUNCTIONS), functions(BEFORE))]
