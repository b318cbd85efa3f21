"""The triggers that write the change log (`Change`) in the writer's own transaction.

Why triggers rather than a call in each service function: rows that travel are also written by
`bulk_create`, `bulk_update` and `QuerySet.update` (list imports, re-screening) and by raw SQL
(`demo_traffic`), which no Python hook sees. A trigger cannot be forgotten by the next service,
and it commits or rolls back with the row it records: the transactional outbox of the design
notes, kept by the database itself.

One trigger per table and event (insert, update), on SQLite and PostgreSQL alike; a migration
that adds a table that travels adds its triggers with `install`.
"""

from django.db.backends.base.schema import BaseDatabaseSchemaEditor

CHANGE_TABLE = "sync_change"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION sync_capture() RETURNS trigger AS $$
DECLARE
    row jsonb := to_jsonb(NEW);
BEGIN
    INSERT INTO {CHANGE_TABLE} ("table", row_id, origin, txid, pulled)
    VALUES (TG_TABLE_NAME, row ->> TG_ARGV[0], COALESCE(row ->> 'origin', ''),
            pg_current_xact_id()::text::bigint, false);
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""  # noqa: S608 (constants only)


def install(schema_editor: BaseDatabaseSchemaEditor, tables: dict[str, tuple[str, bool]]) -> None:
    """Create the triggers of `tables`: {table: (primary key column, has an origin column)}."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
    for table, (pk, has_origin) in tables.items():
        if vendor == "postgresql":
            schema_editor.execute(
                f'CREATE TRIGGER sync_capture AFTER INSERT OR UPDATE ON "{table}" '
                f"FOR EACH ROW EXECUTE FUNCTION sync_capture('{pk}')"
            )
            continue
        origin = 'NEW."origin"' if has_origin else "''"
        for event in ("INSERT", "UPDATE"):
            schema_editor.execute(
                f'CREATE TRIGGER "sync_{table}_{event.lower()}" AFTER {event} ON "{table}" '  # noqa: S608
                f'BEGIN INSERT INTO {CHANGE_TABLE} ("table", row_id, origin, txid, pulled) '
                f"VALUES ('{table}', NEW.\"{pk}\", {origin}, 0, 0); END"
            )


def uninstall(schema_editor: BaseDatabaseSchemaEditor, tables: dict[str, tuple[str, bool]]):
    """Drop the triggers of `tables`."""
    for table in tables:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP TRIGGER IF EXISTS sync_capture ON "{table}"')
            continue
        for event in ("insert", "update"):
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "sync_{table}_{event}"')
