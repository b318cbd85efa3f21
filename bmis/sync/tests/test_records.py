"""`records.load`: its quick paths accept exactly what the model's own checks accept."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bmis.core.models import AuditEvent
from bmis.crossings.models import Crossing, Person
from bmis.sync import records

ODD = [None, "", "x" * 300, "ZZZZ", -1, 0, 2**31, 2**70, 1.5, True, "2026-02-30", {}, [],
       ["a", 1], {"a": None}, "12"]  # fmt: skip


def crossing_record() -> dict:
    return records.dump(Crossing(
        id=uuid.uuid4(), origin="OUA", submission=uuid.uuid4(), person_id=uuid.uuid4(),
        document_id=uuid.uuid4(), post_id=uuid.uuid4(), officer_id=uuid.uuid4(),
        at=timezone.now(), direction="entry", decision="admitted", mode="land", stay_days=3,
        checks=[{"code": "mrz", "ok": True}],
    ))  # fmt: skip


def person_record() -> dict:
    return records.dump(Person(
        id=uuid.uuid4(), origin="OUA", surname="ERIKSSON", given_names="ANNA", name_key="x",
        nationality="UTO", sex="F",
    ))  # fmt: skip


def event_record() -> dict:
    return records.dump(AuditEvent(
        id=uuid.uuid4(), origin="OUA", seq=7, at=timezone.now(), action="crossing.recorded",
        details={"n": 1}, prev_hash="0" * 64, hash="1" * 64,
    ))  # fmt: skip


def accepted_by_the_model(record: dict) -> bool:
    """What `load` did before its quick paths: every value read by its field's `to_python`,
    then `clean_fields` (keys aside: the database checks them)."""
    model = records.plan(record["model"]).model
    values = {"id": record["id"]}
    try:
        for field in model._meta.concrete_fields:
            if field.attname in record["fields"]:
                value = record["fields"][field.attname]
                target = field.target_field if field.is_relation else field
                if value is not None and not isinstance(field, type(Crossing.checks.field)):
                    value = target.to_python(value)
                values[field.attname] = value
        obj = model(**values)
        relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
        obj.clean_fields(exclude=[*relations, "password"])
    except (ValidationError, TypeError, ValueError):
        return False
    return True


@pytest.mark.parametrize("make", [crossing_record, person_record, event_record])
def test_load_accepts_and_refuses_what_the_model_does_for_every_field(make):
    record = make()
    assert records.load(record, {record["model"]}).pk == uuid.UUID(record["id"])
    assert accepted_by_the_model(record)
    for attname in record["fields"]:
        for value in ODD:
            changed = {**record, "fields": {**record["fields"], attname: value}}
            try:
                records.load(changed, {record["model"]})
                loaded = True
            except records.BadRecord as bad:
                assert bad.code == "value"
                loaded = False
            assert loaded == accepted_by_the_model(changed), (attname, value)


def test_a_missing_field_is_named():
    record = crossing_record()
    del record["fields"]["stay_days"]
    with pytest.raises(records.BadRecord) as bad:
        records.load(record, {"crossings.Crossing"})
    assert (bad.value.code, bad.value.detail) == ("missing", "stay_days")


def test_keys_read_again_are_the_same_keys():
    record = crossing_record()
    first = records.load(record, {"crossings.Crossing"})
    again = records.load(record, {"crossings.Crossing"})
    assert first.person_id == again.person_id == uuid.UUID(record["fields"]["person_id"])
    assert first.pk == uuid.UUID(record["id"])
    with pytest.raises(records.BadRecord) as bad:
        records.load({**record, "id": "not a key"}, {"crossings.Crossing"})
    assert bad.value.code == "value"


def test_a_change_names_its_row_by_the_key_django_writes():
    from bmis.sync import outbox
    from bmis.sync.models import Change

    key = uuid.uuid4()
    for logged in (key.hex, key.hex.upper(), str(key)):
        change = Change(table="crossings_person", row_id=logged)
        assert outbox.key(change) == ("crossings_person", str(key))
    assert outbox.key(Change(table="elsewhere", row_id="7")) == ("elsewhere", "7")


@pytest.mark.django_db
def test_a_node_reads_rows_into_the_records_dump_makes(settings):
    """On SQLite the agent reads a batch's rows from their columns (`outbox.records_of`): the
    records must be those `records.dump` makes of the same rows, value for value."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.db import connection

    from bmis.crossings.models import Photo
    from bmis.crossings.traffic import generate
    from bmis.reference.services import reference_load
    from bmis.sync import outbox
    from bmis.sync.registry import TRAVELLING

    reference_load()
    generate(crossings=150, seed=3, end=datetime(2025, 9, 30, 16, tzinfo=ZoneInfo("UTC")))
    someone = Person.objects.filter(pk=Person.objects.first().pk)
    someone.update(birth_date=None, given_names='ÉLODIE\n\t"')  # a null date, text to escape
    read = set()
    for travels in TRAVELLING:
        if not travels.pushed:
            continue
        reader = outbox._column_reader(travels.label, connection.vendor)
        if connection.vendor != "sqlite":
            assert reader is None
            continue
        made = {str(obj.pk): records.dump(obj) for obj in travels.model.objects.all()}
        if reader is None:
            continue
        got = {record["id"]: record for record in reader(list(made))}
        assert got == made, travels.label
        assert all(list(got[pk]["fields"]) == list(made[pk]["fields"]) for pk in made)
        if made:
            read.add(travels.label)
    if connection.vendor == "sqlite":
        assert {"crossings.Person", "crossings.TravelDocument", "crossings.Crossing",
                "core.AuditEvent"} <= read  # fmt: skip
        assert outbox._column_reader(Photo._meta.label, "sqlite") is None  # it has attachments
