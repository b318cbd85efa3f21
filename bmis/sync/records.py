"""Records as they travel: a plain JSON form of a row, and the upsert that stores a batch of them.

A record is `{"model": "crossings.Crossing", "id": "…", "fields": {attname: value}}`, with the
values of every concrete field but those its model keeps at home (`registry`): dates and times
in ISO 8601, keys as text, binary data in base64. The fields are those of this schema version
(`SCHEMA`): a node that speaks another is refused before anything is read.

`load` checks every value as `Model.clean_fields` would (keys aside: the database checks them),
by the same field methods; a value that a quick test of its type, length and choices accepts
skips the slower general path, which gives any refusal its usual message.

`store` writes a batch with one `INSERT … ON CONFLICT (primary key)` statement per model (per
500 rows on PostgreSQL, which reads them from one JSON parameter; per row on SQLite): a record
that arrives twice is stored once, by the database's own constraint, never by a check before
the insert. A repeat changes a row only where one of its values differs: a row sent again as it
was is not written again, and its sync trigger logs no change for every node to pull.
Append-only records (crossings, audit events) are never changed by a repeat: their conflict
does nothing.
"""

import base64
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
from django.core.validators import MaxLengthValidator
from django.db import connection, models
from django.db.models.base import ModelState

from bmis.core.models import AppendOnlyModel, AuditEvent
from bmis.sync.registry import BY_LABEL, Travels, order

SCHEMA = 2  # 2: attachments travel beside their records (attachments.py)
ROWS_PER_STATEMENT = 500
PASSED_AS_IS = frozenset(  # values the database drivers take as `to_python` left them
    {"CharField", "TextField", "BooleanField", "IntegerField", "BigIntegerField",
     "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
     "PositiveSmallIntegerField", "FloatField"}
)  # fmt: skip
AS_JSON = frozenset(
    {"UUIDField", "DateField", "TimeField", "DecimalField", "BinaryField", "JSONField"}
)  # fmt: skip; written by `_json_value`, or JSON themselves


class BadRecord(ValueError):
    """A record that cannot be read: its model, its key or one of its values."""

    def __init__(self, code: str, record: dict, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.record, self.detail = code, record, detail


def _fields(travels: Travels) -> list[models.Field]:
    return [
        field
        for field in travels.model._meta.concrete_fields
        if not field.primary_key and field.attname not in travels.kept_home
    ]


class Plan:
    """What reading and writing one model's records needs, worked out once per model."""

    def __init__(self, travels: Travels) -> None:
        model = self.model = travels.model
        self.pk = model._meta.pk
        self.fields = _fields(travels)
        carried = {field.attname for field in self.fields} | {self.pk.attname}
        self.readers = [
            (field.attname, (field.target_field if field.is_relation else field).to_python,
             not isinstance(field, models.JSONField))
            for field in self.fields
        ]  # fmt: skip
        # Every concrete field in order, to build an instance from its values by position; a
        # field kept at home takes its default, as the keyword constructor would give it.
        self.columns = [field for field in model._meta.concrete_fields if not field.generated]
        self.home = [
            (field.attname, None if field.attname in carried else field.get_default)
            for field in model._meta.concrete_fields
        ]
        # Keys are checked by the database's constraints when the batch commits, all at once.
        self.unchecked = [field.name for field in model._meta.concrete_fields if field.is_relation]
        excluded = {*self.unchecked, "password"}
        self.checks = [
            (field, _quick_test(field))
            for field in model._meta.fields
            if field.name not in excluded and not field.generated
        ]
        self.append_only = issubclass(model, AppendOnlyModel | AuditEvent)


def _quick_test(field: models.Field) -> Callable | None:
    """Return a test that accepts only values `field.clean` accepts unchanged, or None.

    Only for fields validated by `Field.validate` itself, with no validator but the maximum
    length: a value that is not empty, short enough and one of the choices passes them.
    """
    if type(field).validate is not models.Field.validate:
        return None
    if any(
        not isinstance(validator, MaxLengthValidator) or validator.limit_value != field.max_length
        for validator in field.validators
    ):
        return None
    empty = field.empty_values
    limit = field.max_length if field.validators else float("inf")
    if field.choices is not None:
        choices = frozenset(key for key in dict(field.flatchoices) if isinstance(key, str))
        return lambda value: (
            type(value) is str and value != "" and value in choices and len(value) <= limit
        )
    if field.validators:
        return lambda value: type(value) is str and value != "" and len(value) <= limit
    return lambda value: value not in empty


@cache
def plan(label: str) -> Plan:
    return Plan(BY_LABEL[label])


def _base64(value) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


# A value's plain form by its exact type (a lookup, where a chain of isinstance tests cost a
# node a tenth of its batch's making); any other type, a subclass, by those tests.
PLAIN = {
    type(None): None, str: None, int: None, bool: None, float: None, dict: None, list: None,
    datetime.datetime: datetime.datetime.isoformat, datetime.date: datetime.date.isoformat,
    datetime.time: datetime.time.isoformat, uuid.UUID: str, Decimal: str,
    bytes: _base64, memoryview: _base64,
}  # fmt: skip


def _plain(value):
    kind = type(value)
    if kind in PLAIN:
        convert = PLAIN[kind]
        return value if convert is None else convert(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return _base64(value)
    return value


def dump(obj: models.Model) -> dict:
    """Return the travelling form of a row."""
    label = obj._meta.label
    return {
        "model": BY_LABEL[label].label,
        "id": str(obj.pk),
        "fields": {attname: _plain(getattr(obj, attname)) for attname, _, _ in plan(label).readers},
    }


def load(record: dict, allowed: Iterable[str]) -> models.Model:
    """Return the unsaved row a record describes, or raise BadRecord."""
    if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
        raise BadRecord("malformed", record if isinstance(record, dict) else {})
    label = record.get("model")
    if label not in allowed:
        raise BadRecord("model", record, str(label))
    found = plan(label)
    given = record["fields"]
    values = {}
    try:
        values[found.pk.attname] = found.pk.to_python(record.get("id"))
        for attname, to_python, convert in found.readers:
            if attname not in given:
                raise BadRecord("missing", record, attname)
            value = given[attname]
            values[attname] = to_python(value) if convert and value is not None else value
    except BadRecord:
        raise
    except Exception as exc:  # a value of the wrong type or shape, whatever the field
        raise BadRecord("value", record, str(exc)[:200]) from None
    if values[found.pk.attname] in (None, ""):
        raise BadRecord("value", record, "id")
    # The instance as `Model(*values)` makes it, without its signals (no receiver here) and
    # its descriptors' checks (a new instance caches no related object): a third of the time.
    obj = found.model.__new__(found.model)
    obj._state = ModelState()
    obj.__dict__.update({a: values[a] if d is None else d() for a, d in found.home})
    for field, quick in found.checks:
        value = obj.__dict__[field.attname]
        if (field.blank and value in field.empty_values) or (quick and quick(value)):
            continue
        try:
            setattr(obj, field.attname, field.clean(value, obj))
        except Exception:  # clean_fields gives the refusal its message, with every field's
            try:
                obj.clean_fields(exclude=[*found.unchecked, "password"])
            except Exception as exc:
                raise BadRecord("value", record, str(exc)[:200]) from None
            return obj
    return obj


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
