"""A record's travelling form: `dump` writes a row as a record, `load` reads a record back
into an unsaved row, checking every value (see the package's docstring)."""

import base64
import datetime
import math
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import cache

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.base import ModelState

from bmis.core.models import AppendOnlyModel, AuditEvent
from bmis.sync.registry import BY_LABEL, Travels

SCHEMA = 2  # 2: attachments travel beside their records (attachments.py)


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
            (field.attname, _reader(field.target_field if field.is_relation else field),
             not isinstance(field, models.JSONField))
            for field in self.fields
        ]  # fmt: skip
        self.read_key = _reader(self.pk)
        # Every concrete field in order, to build an instance from its values by position; a
        # field kept at home takes its default, as the keyword constructor would give it.
        self.columns = [field for field in model._meta.concrete_fields if not field.generated]
        # A field kept at home takes its default, as the keyword constructor would give it:
        # a constant once for all (`blank`), one that is made anew by calling it each time.
        self.blank, self.made = {}, []
        for field in model._meta.concrete_fields:
            if field.attname in carried:
                continue
            default = field.get_default()
            if type(default) in (type(None), str, int, bool, float):
                self.blank[field.attname] = default
            else:
                self.made.append((field.attname, field.get_default))
        # Keys are checked by the database's constraints when the batch commits, all at once.
        self.unchecked = [field.name for field in model._meta.concrete_fields if field.is_relation]
        excluded = {*self.unchecked, "password"}
        self.checks = [
            (field.attname, field.empty_values if field.blank else (), _quick_test(field), field)
            for field in model._meta.fields
            if field.name not in excluded and not field.generated
        ]
        self.append_only = issubclass(model, AppendOnlyModel | AuditEvent)


def _quick_test(field: models.Field) -> Callable | None:
    """Return a test that accepts only values `field.clean` accepts unchanged, or None.

    Only for fields validated by `Field.validate` itself (or a JSON field's, below), with no
    validator but the maximum length or the bounds of an integer: a value that is not empty,
    short enough or within the bounds, and one of the choices passes them.
    """
    if isinstance(field, models.JSONField) and field.choices is None:
        # JSONField.validate adds only that json.dumps takes the value: a value read from a
        # record's JSON always is one (a record's values are as JSON reads them).
        return lambda value: value is not None and value != ""
    if type(field).validate is not models.Field.validate:
        return None
    limit, low, high = float("inf"), None, None
    for validator in field.validators:
        bound = getattr(validator, "limit_value", None)
        if isinstance(validator, MaxLengthValidator) and bound == field.max_length:
            limit = bound
        elif type(validator) is MinValueValidator and type(bound) is int:
            low = bound
        elif type(validator) is MaxValueValidator and type(bound) is int:
            high = bound
        else:
            return None
    empty = field.empty_values
    if field.choices is not None:
        if low is not None or high is not None:
            return None
        choices = frozenset(key for key in dict(field.flatchoices) if isinstance(key, str))
        return lambda value: (
            type(value) is str and value != "" and value in choices and len(value) <= limit
        )
    if low is not None or high is not None:
        low = -math.inf if low is None else low
        high = math.inf if high is None else high
        return lambda value: type(value) is int and low <= value <= high
    if field.validators:
        return lambda value: type(value) is str and value != "" and len(value) <= limit
    # A key, a time, a number is never one of the empty values (comparing them costs more).
    return lambda value: type(value) in NEVER_EMPTY or value not in empty


NEVER_EMPTY = frozenset({uuid.UUID, datetime.datetime, datetime.date, datetime.time, int, bool})
KEYS_KEPT = 50_000  # keys read from their text, kept (`_reader`): a batch's posts, shifts, …
_keys: dict[str, uuid.UUID] = {}


def _reader(field: models.Field) -> Callable:
    """Return the function that reads a value of `field` from a record: `to_python`, and for a
    key (UUID), the keys already read kept by their text. A batch names its post's counters,
    shifts and officers, and the travellers of the records before, thousands of times."""
    to_python = field.to_python
    if not isinstance(field, models.UUIDField):
        return to_python

    def read(value):
        if type(value) is str:
            key = _keys.get(value)
            if key is None:
                key = to_python(value)
                if len(_keys) >= KEYS_KEPT:
                    _keys.clear()
                _keys[value] = key
            return key
        return to_python(value)

    return read


key = _reader(models.UUIDField())  # a key's text read (`uuid.UUID`), as a record's keys are


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
    row = found.blank.copy()
    try:
        row[found.pk.attname] = key = found.read_key(record.get("id"))
        for attname, to_python, convert in found.readers:
            value = given[attname]
            row[attname] = to_python(value) if convert and value is not None else value
    except Exception as exc:  # a value of the wrong type or shape, whatever the field
        absent = [attname for attname, _, _ in found.readers if attname not in given]
        if absent:
            raise BadRecord("missing", record, absent[0]) from None
        raise BadRecord("value", record, str(exc)[:200]) from None
    if key is None or key == "":
        raise BadRecord("value", record, "id")
    for attname, default in found.made:
        row[attname] = default()
    # The instance as `Model(*values)` makes it, without its signals (no receiver here) and
    # its descriptors' checks (a new instance caches no related object): a third of the time.
    obj = found.model.__new__(found.model)
    obj._state = ModelState()
    obj.__dict__.update(row)
    for attname, empty, quick, field in found.checks:
        value = row[attname]
        if (quick is not None and quick(value)) or (empty and value in empty):
            continue
        try:
            setattr(obj, attname, field.clean(value, obj))
        except Exception:  # clean_fields gives the refusal its message, with every field's
            try:
                obj.clean_fields(exclude=[*found.unchecked, "password"])
            except Exception as exc:
                raise BadRecord("value", record, str(exc)[:200]) from None
            return obj
    return obj
