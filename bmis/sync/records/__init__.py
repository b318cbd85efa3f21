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

from bmis.sync.records.form import SCHEMA, BadRecord, Plan, dump, key, load, plan
from bmis.sync.records.upsert import ROWS_PER_STATEMENT, pipeline, store

__all__ = ["ROWS_PER_STATEMENT", "SCHEMA", "BadRecord", "Plan", "dump", "key", "load", "pipeline",
           "plan", "store"]  # fmt: skip
