"""Records as they travel: a plain JSON form of a row, and the upsert that stores a batch of them.

A record is `{"model": "crossings.Crossing", "id": "…", "fields": {attname: value}}`, with the
values of every concrete field but those its model keeps at home (`registry`): dates and times
in ISO 8601, keys as text, binary data in base64. The fields are those of this schema version
(`SCHEMA`): a node that speaks another is refused before anything is read.

`store` writes a batch with one `INSERT … ON CONFLICT (primary key) DO UPDATE` per model: a
record that arrives twice is stored once, by the database's own constraint, never by a check
before the insert. Append-only records (crossings, audit events) are never changed by a repeat:
their conflict updates nothing but their origin, to itself.
"""

import base64
import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import models

from bmis.core.models import AppendOnlyModel, AuditEvent
from bmis.sync.registry import BY_LABEL, Travels, order

SCHEMA = 1


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


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def dump(obj: models.Model) -> dict:
    """Return the travelling form of a row."""
    travels = BY_LABEL[obj._meta.label]
    return {
        "model": travels.label,
        "id": str(obj.pk),
        "fields": {
            field.attname: _plain(field.value_from_object(obj)) for field in _fields(travels)
        },
    }


def load(record: dict, allowed: Iterable[str]) -> models.Model:
    """Return the unsaved row a record describes, or raise BadRecord."""
    if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
        raise BadRecord("malformed", record if isinstance(record, dict) else {})
    label = record.get("model")
    if label not in allowed:
        raise BadRecord("model", record, str(label))
    travels = BY_LABEL[label]
    model = travels.model
    values = {}
    try:
        values[model._meta.pk.attname] = model._meta.pk.to_python(record.get("id"))
        for field in _fields(travels):
            if field.attname not in record["fields"]:
                raise BadRecord("missing", record, field.attname)
            value = record["fields"][field.attname]
            if value is not None and not isinstance(field, models.JSONField):
                target = field.target_field if field.is_relation else field
                value = target.to_python(value)
            values[field.attname] = value
    except BadRecord:
        raise
    except Exception as exc:  # a value of the wrong type or shape, whatever the field
        raise BadRecord("value", record, str(exc)[:200]) from None
    if values[model._meta.pk.attname] in (None, ""):
        raise BadRecord("value", record, "id")
    obj = model(**values)
    # Keys are checked by the database's constraints when the batch commits, all at once.
    unchecked = [field.name for field in model._meta.concrete_fields if field.is_relation]
    try:
        obj.clean_fields(exclude=[*unchecked, "password"])
    except Exception as exc:
        raise BadRecord("value", record, str(exc)[:200]) from None
    return obj


def store(objs: Iterable[models.Model]) -> dict[str, int]:
    """Upsert rows by primary key, model by model in the registry's order; return counts."""
    by_model: dict[str, dict] = defaultdict(dict)
    for obj in objs:
        by_model[obj._meta.label][obj.pk] = obj  # a row sent twice in a batch: its last state
    counts = {}
    for label in sorted(by_model, key=order):
        travels = BY_LABEL[label]
        model = travels.model
        rows = list(by_model[label].values())
        if issubclass(model, AppendOnlyModel | AuditEvent):
            update = ["origin"]
        else:
            update = [field.name for field in _fields(travels)]
        model.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=[model._meta.pk.name],
            update_fields=update,
        )
        counts[label] = len(rows)
    return counts
