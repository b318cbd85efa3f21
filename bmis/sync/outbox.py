"""What a node's agent reads to make a push batch: the rows its change log names, as they are
now, and what it tells headquarters beside them (the age of its backlog, the lists it holds,
its local copies)."""

import datetime
import json
from collections.abc import Callable, Iterator
from functools import cache

import orjson
from django.db import connection, models
from django.db.models import UUIDField

from bmis.sync import attachments, records
from bmis.sync.models import Change
from bmis.sync.registry import by_table


def key(change: Change) -> tuple[str, str]:
    """Return the change's table and key, the key written as Django writes it (SQLite stores
    UUIDs as hex, PostgreSQL with dashes). `change` is a `Change`, or a row of `changes`."""
    travels = by_table().get(change.table)
    if travels is None:
        return change.table, change.row_id
    row_id = change.row_id
    if len(row_id) == 32 and isinstance(travels.model._meta.pk, UUIDField):
        return change.table, dashed(row_id)  # the hex a SQLite trigger logged
    return change.table, str(travels.model._meta.pk.to_python(row_id))


def dashed(hex_: str) -> str:
    """Return a UUID's 32 hexadecimal digits as `str(uuid.UUID(hex_))` writes them: a batch
    names thousands of keys, and parsing each one cost a tenth of the batch's making."""
    hex_ = hex_.lower()
    return f"{hex_[:8]}-{hex_[8:12]}-{hex_[12:16]}-{hex_[16:20]}-{hex_[20:]}"


def changes(after: int, limit: int):
    """Return the next `limit` changes after change `after`, in order, as light rows (`seq`,
    `table`, `row_id`, `origin`, `pulled`): a batch reads thousands."""
    found = Change.objects.filter(seq__gt=after).order_by("seq")[:limit]
    return list(found.values_list("seq", "table", "row_id", "origin", "pulled", named=True))


def records_of(changes: list) -> dict:
    """Return the records of the rows the changes name (`records.dump`'s form) by `key`, each
    with the bytes of its attachments (`attachments.weight`).

    On SQLite, a model of plain columns with no attachment is read straight from its columns
    into its record (`_column_reader`), without a model instance: a push batch holds thousands
    of rows, and making each one an instance and dumping it took most of the batch's making."""
    tables = by_table()
    wanted: dict[str, set] = {}
    for change in changes:
        wanted.setdefault(change.table, set()).add(key(change)[1])
    found = {}
    for table, ids in wanted.items():
        label = tables[table].label
        reader = _column_reader(label, connection.vendor)
        if reader is not None:
            found.update(((table, record["id"]), (record, 0)) for record in reader(ids))
            continue
        queryset = attachments.without_content(tables[table].model.objects.filter(pk__in=ids))
        for obj in queryset:
            found[(table, str(obj.pk))] = (records.dump(obj), attachments.weight(obj))
    return found


IN_LIST = 900  # keys a query names: under SQLite's oldest limit of placeholders


@cache
def _column_reader(label: str, vendor: str) -> Callable | None:
    """Return a function that reads rows of `label` by their keys (as `key` writes them) into
    their records, from the columns as SQLite's driver returns them; None where `records.dump`
    must make them (another database, attachments, a key or a column of another kind)."""
    found = records.plan(label)
    if vendor != "sqlite" or attachments.WITH_ATTACHMENTS.get(label):
        return None
    if _plain_from_column(found.pk) is not dashed:
        return None
    converters = [(field.attname, _plain_from_column(field)) for field in found.fields]
    if any(convert is NotImplemented for _, convert in converters):
        return None
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [found.pk, *found.fields])
    table, pk = quote(found.model._meta.db_table), quote(found.pk.column)

    def read(ids) -> Iterator[dict]:
        hexes = [key.replace("-", "") for key in ids]
        with connection.cursor() as cursor:
            for start in range(0, len(hexes), IN_LIST):
                part = hexes[start : start + IN_LIST]
                places = ", ".join(["%s"] * len(part))
                cursor.execute(f"SELECT {columns} FROM {table} WHERE {pk} IN ({places})", part)  # noqa: S608
                for row in cursor.fetchall():
                    yield {
                        "model": label,
                        "id": dashed(row[0]),
                        "fields": {
                            attname: value if convert is None or value is None else convert(value)
                            for (attname, convert), value in zip(converters, row[1:], strict=True)
                        },
                    }

    return read


def _plain_from_column(field) -> Callable | None:
    """Return how a value of `field`, as SQLite's driver returns it (Django has its converters
    registered with it: dates and times parsed, booleans read), becomes its value in a record
    (`records.dump`'s): None for as it is, NotImplemented where only Django's reading will do."""
    target = field.target_field if field.is_relation else field
    kind = type(target)
    if kind is models.UUIDField:
        return dashed
    if kind is models.DateTimeField:
        return _moment
    if kind is models.DateField:
        return _day
    if kind is models.BooleanField:
        return bool
    if kind is models.JSONField and target.decoder is None:
        return _json
    if kind in AS_THEY_ARE:
        return None
    return NotImplemented


AS_THEY_ARE = frozenset({
    models.CharField, models.TextField, models.IntegerField, models.BigIntegerField,
    models.SmallIntegerField, models.PositiveIntegerField, models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField, models.FloatField, models.SlugField, models.EmailField,
    models.GenericIPAddressField,
})  # fmt: skip


def _moment(value) -> str:
    """A time as Django reads it from SQLite (aware, in the connection's zone), in ISO 8601."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=connection.timezone)
    return value.isoformat()


def _day(value) -> str:
    return (datetime.date.fromisoformat(value) if isinstance(value, str) else value).isoformat()


def _json(value):
    """A JSON column's value, as `JSONField.from_db_value` reads it."""
    if not isinstance(value, str):
        return value
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:  # what orjson will not read (NaN), json reads as Django does
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value


def born_at(seq: int | None) -> str | None:
    """Return when the change `seq`'s record was born, for headquarters' view of the backlog."""
    if seq is None:
        return None
    change = Change.objects.get(seq=seq)
    travels = by_table().get(change.table)
    if travels is None:
        return None
    obj = travels.model.objects.filter(pk=change.row_id).first()
    created = getattr(obj, "created_at", None)
    return created.isoformat() if created else None


def backup_state() -> dict:
    """When the post last copied its database to a stick (`manage.py backup`), and last failed."""
    from bmis.core import backup

    found = backup.status()
    return {kind: (found.get(f"last_{kind}") or {}).get("at") for kind in ("success", "failure")}


def list_versions() -> dict:
    """The version of each alert list the node holds, for headquarters' view of the network."""
    from bmis.watchlist.models import WatchList

    return {code: version for code, version in WatchList.objects.values_list("code", "version")}
