"""The triggers that write the change log (`Change`) in the writer's own transaction.

Why triggers rather than a call in each service function: rows that travel are also written by
`bulk_create`, `bulk_update` and `QuerySet.update` (list imports, re-screening) and by raw SQL
(`demo_traffic`), which no Python hook sees. A trigger cannot be forgotten by the next service,
and it commits or rolls back with the row it records: the transactional outbox of the design
notes, kept by the database itself.

Inserts are logged by a statement-level trigger on PostgreSQL, with a transition table: one
`INSERT … SELECT` logs every row a statement wrote, where a row-level trigger ran a statement for
each row (a synchronised batch inserts thousands). It reads only the key and origin columns,
named in a statement made for the table (`EXECUTE format(…)`), not each whole row as JSON: a
crossing's row carries its checks, and `to_jsonb` of each was a third of a `COPY`'s time.
Updates, and everything on SQLite (where each statement is cheap), are logged row by row.

An update that sets only columns a table keeps at home (`registry.Travels.kept_home`: where a
traveller is, when someone last signed in) logs nothing (`UPDATE OF` the carried columns): there
is nothing in it to send, and headquarters works out travellers' state again for every batch a
post pushes. `test_triggers` checks the column lists against the registry, so that a column
added later cannot go unlogged.

A migration that adds a table that travels adds its triggers with `install`.
"""

from django.db.backends.base.schema import BaseDatabaseSchemaEditor

CHANGE_TABLE = "sync_change"

# The argument of both: the primary key column.
PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION sync_capture() RETURNS trigger AS $$
DECLARE
    row jsonb := to_jsonb(NEW);
BEGIN
    INSERT INTO {CHANGE_TABLE} ("table", row_id, origin, txid, pulled)
    VALUES (TG_TABLE_NAME, row ->> TG_ARGV[0], COALESCE(row ->> 'origin', ''),
            pg_current_xact_id()::text::bigint, false);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION sync_capture_rows() RETURNS trigger AS $$
DECLARE
    origin text := CASE WHEN EXISTS (
        SELECT 1 FROM pg_attribute
        WHERE attrelid = TG_RELID AND attname = 'origin' AND NOT attisdropped
    ) THEN 'COALESCE(n.origin, '''')' ELSE '''''' END;
BEGIN
    EXECUTE format(
        'INSERT INTO {CHANGE_TABLE} ("table", row_id, origin, txid, pulled) '
        'SELECT %L, n.%I::text, %s, pg_current_xact_id()::text::bigint, false '
        'FROM sync_new AS n',
        TG_TABLE_NAME, TG_ARGV[0], origin
    );
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""  # noqa: S608 (constants only)


def install(
    schema_editor: BaseDatabaseSchemaEditor,
    tables: dict[str, tuple[str, bool]],
    carried: dict[str, list[str]] | None = None,
) -> None:
    """Create the triggers of `tables`: {table: (primary key column, has an origin column)}.

    `carried` lists, for a table with columns kept at home, the columns it carries: an update
    that sets none of them logs nothing.
    """
    carried = carried or {}
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTIONS, params=None)  # no placeholders: `%L` is format()'s
    for table, (pk, has_origin) in tables.items():
        columns = ", ".join(f'"{column}"' for column in carried.get(table, []))
        of = f" OF {columns}" if columns else ""
        if vendor == "postgresql":
            schema_editor.execute(
                f'CREATE TRIGGER sync_capture_insert AFTER INSERT ON "{table}" '
                "REFERENCING NEW TABLE AS sync_new "
                f"FOR EACH STATEMENT EXECUTE FUNCTION sync_capture_rows('{pk}')"
            )
            schema_editor.execute(
                f'CREATE TRIGGER sync_capture_update AFTER UPDATE{of} ON "{table}" '
                f"FOR EACH ROW EXECUTE FUNCTION sync_capture('{pk}')"
            )
            continue
        origin = 'NEW."origin"' if has_origin else "''"
        for event in ("INSERT", "UPDATE"):
            schema_editor.execute(
                f'CREATE TRIGGER "sync_{table}_{event.lower()}" AFTER {event}'  # noqa: S608
                f'{of if event == "UPDATE" else ""} ON "{table}" '
                f'BEGIN INSERT INTO {CHANGE_TABLE} ("table", row_id, origin, txid, pulled) '
                f"VALUES ('{table}', NEW.\"{pk}\", {origin}, 0, 0); END"
            )


def uninstall(schema_editor: BaseDatabaseSchemaEditor, tables: dict[str, tuple[str, bool]]):
    """Drop the triggers of `tables` (those of every version of `install`)."""
    for table in tables:
        if schema_editor.connection.vendor == "postgresql":
            for name in ("sync_capture", "sync_capture_insert", "sync_capture_update"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
            continue
        for event in ("insert", "update"):
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "sync_{table}_{event}"')


def operation(tables: dict[str, tuple[str, bool]]):
    """Return the migration operation that installs `tables`' triggers (dropped going back)."""
    from django.db import migrations

    return migrations.RunPython(
        lambda apps, schema_editor: install(schema_editor, tables),
        lambda apps, schema_editor: uninstall(schema_editor, tables),
    )
