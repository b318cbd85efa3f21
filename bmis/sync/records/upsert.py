"""A batch of records stored: one `INSERT … ON CONFLICT (primary key)` statement per model,
sent in PostgreSQL's pipeline (see the package's docstring)."""

import datetime
import ipaddress
import json
import math
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache

import orjson
import psycopg
from django.db import connection, models

from bmis.sync.records.form import Plan, plan
from bmis.sync.registry import order

ROWS_PER_STATEMENT = 500
PASSED_AS_IS = frozenset(  # values the database drivers take as `to_python` left them
    {"CharField", "TextField", "BooleanField", "IntegerField", "BigIntegerField",
     "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
     "PositiveSmallIntegerField", "FloatField"}
)  # fmt: skip
AS_JSON = frozenset(
    {"UUIDField", "DateField", "TimeField", "DecimalField", "BinaryField", "JSONField"}
)  # fmt: skip; written by `_json_value`, or JSON themselves


@contextmanager
def pipeline() -> Iterator[None]:
    """Send the statements of the block without waiting for each one's result, on PostgreSQL
    (psycopg's pipeline mode): the caller reads the next records while the database stores the
    last ones. A statement's error is raised, as Django's, at the latest when the block ends;
    the statements after it are not run. Elsewhere, nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield


def store(objs: Iterable[models.Model]) -> dict[str, int]:
    """Upsert rows by primary key, model by model in the registry's order; return counts."""
    by_model: dict[str, dict] = defaultdict(dict)
    for obj in objs:
        by_model[obj._meta.label][obj.pk] = obj  # a row sent twice in a batch: its last state
    counts, alias = {}, connection.alias
    for label in sorted(by_model, key=order):
        rows = list(by_model[label].values())
        _upsert(plan(label), rows)
        for obj in rows:
            obj._state.adding, obj._state.db = False, alias
        counts[label] = len(rows)
    return counts


def _upsert(found: Plan, rows: list[models.Model]) -> None:
    vendor = connection.vendor
    adapters = _adapters(found, vendor)
    if vendor != "postgresql":  # one prepared statement, run for each row
        values = [
            [
                getattr(obj, attname) if adapt is None else adapt(obj)
                for _, attname, adapt in adapters
            ]
            for obj in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(_statement(found, vendor), values)
        return
    # One parameter, the rows as a JSON array that PostgreSQL reads into the table's row type
    # (json_populate_recordset): no statement thousands of placeholders long to parse. It is
    # bound by the server (a plain psycopg cursor, not Django's, which binds on the client), so
    # a megabyte of JSON is not escaped into the statement's text.
    statement = _statement(found, vendor)
    # A value as it is comes from the instance's own dict, past the descriptor of a key.
    plain = [(column, attname) for column, attname, adapt in adapters if adapt is None]
    adapted = [(column, adapt) for column, _, adapt in adapters if adapt is not None]
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            values = []
            for obj in rows[start : start + ROWS_PER_STATEMENT]:
                held = obj.__dict__
                row = {column: held[attname] for column, attname in plain}
                for column, adapt in adapted:
                    row[column] = adapt(obj)
                values.append(row)
            cursor.execute(statement, [orjson.dumps(values, default=_json_value).decode()])


@cache
def _adapters(found: Plan, vendor: str) -> list[tuple[str, str, Callable | None]]:
    """Return each column's name, attname and adapter from the row's value, None for as is.

    The values are those `load` gave (`to_python`'s). On SQLite they go to the driver, which
    takes them as they are but keys and dates (text); on PostgreSQL into a JSON array
    (`_json_value`), where a timestamp without a time zone, a float that is not a number and
    the rarer types go through the field's own `get_db_prep_save` first, as Django's inserts do.
    """
    adapters = []
    for field in found.columns:
        kind = (field.target_field if field.is_relation else field).get_internal_type()
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            adapt = _prepared(field, pre_save=True)
        elif vendor != "postgresql":
            adapt = None if kind in PASSED_AS_IS else _prepared(field)
        elif kind == "DateTimeField":
            adapt = _aware(field.attname, _prepared(field))
        elif kind == "FloatField":
            adapt = _finite(field.attname)
        elif kind == "GenericIPAddressField":
            adapt = _address(field)
        elif kind == "JSONField" and field.encoder is not None:
            adapt = _encoded(field)
        elif kind in PASSED_AS_IS or kind in AS_JSON:
            adapt = None
        else:
            adapt = _prepared(field)
        adapters.append((field.column, field.attname, adapt))
    return adapters


def _prepared(field: models.Field, pre_save: bool = False) -> Callable:
    def adapt(obj):
        value = field.pre_save(obj, True) if pre_save else getattr(obj, field.attname)
        return field.get_db_prep_save(value, connection)

    return adapt


def _aware(attname: str, otherwise: Callable) -> Callable:
    def adapt(obj):
        value = getattr(obj, attname)
        aware = type(value) is datetime.datetime and value.utcoffset() is not None
        return value if aware else otherwise(obj)

    return adapt


def _finite(attname: str) -> Callable:
    def adapt(obj):
        value = getattr(obj, attname)
        if value is None or math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"

    return adapt


def _address(field: models.Field) -> Callable:
    def adapt(obj):
        return field.get_prep_value(getattr(obj, field.attname)) or None

    return adapt


def _encoded(field: models.Field) -> Callable:
    def adapt(obj):
        return json.loads(json.dumps(getattr(obj, field.attname), cls=field.encoder))

    return adapt


def _json_value(value):
    """Return a value JSON cannot hold as PostgreSQL reads it from JSON text."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal | ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "\\x" + bytes(value).hex()
    raise TypeError(f"{type(value).__name__} cannot be stored from a record")


@cache
def _statement(found: Plan, vendor: str) -> str:
    quote = connection.ops.quote_name
    table = quote(found.model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in found.columns)
    if vendor == "postgresql":
        rows = f"SELECT {columns} FROM json_populate_recordset(NULL::{table}, %s)"  # noqa: S608
    else:
        rows = "VALUES (" + ", ".join(["%s"] * len(found.columns)) + ")"
    sql = f"INSERT INTO {table} ({columns}) {rows} ON CONFLICT ({quote(found.pk.column)}) DO "
    update = [quote(field.column) for field in found.fields]
    if found.append_only or not update:
        return sql + "NOTHING"
    new = "EXCLUDED" if vendor == "postgresql" else "excluded"
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    sets = ", ".join(f"{column} = {new}.{column}" for column in update)
    held = ", ".join(f"{table}.{column}" for column in update)
    sent = ", ".join(f"{new}.{column}" for column in update)
    return sql + f"UPDATE SET {sets} WHERE ({held}) {differs} ({sent})"
