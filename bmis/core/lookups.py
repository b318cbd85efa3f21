"""`field__any=values`: the `in` lookup, with the values as one array on PostgreSQL.

Django writes `IN (%s, %s, …)`, a placeholder a value. For the thousands of keys a synchronised
batch names, psycopg then adapts and splices each value into a statement that it parses anew
each time (one that long is not cached): a tenth of a batch's time at headquarters went there.
`= ANY(%s::type[])` sends them as one array parameter. SQLite keeps `IN`. Values are read as
`in` reads them (a relation's takes rows or keys), and None matches nothing; keys that are
`uuid.UUID`s already, as the synchronisation's are, go as they are (Django's preparing each of
them again took a batch at headquarters longer than the query).
"""

import uuid

from django.db.models import Field, ForeignObject, UUIDField
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class _AsArray:
    lookup_name = "any"

    def get_prep_lookup(self):
        if self._keys_as_they_are():
            return self.rhs
        return super().get_prep_lookup()

    def _keys_as_they_are(self) -> bool:
        """Say whether the values are all `uuid.UUID`s for a key of that type: already what
        preparing them would give."""
        if not self.rhs_is_direct_value() or not isinstance(self.rhs, list | tuple | set):
            return False
        field = getattr(self.lhs, "output_field", None)
        target = getattr(field, "target_field", field)
        return isinstance(target, UUIDField) and all(type(v) is uuid.UUID for v in self.rhs)

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        if self._keys_as_they_are():
            values = list(dict.fromkeys(self.rhs))
        else:
            values = [
                field.get_db_prep_value(value, connection, prepared=True)
                for value in dict.fromkeys(self.rhs)
                if value is not None
            ]
        return f"{lhs} = ANY(%s::{field.db_type(connection)}[])", (*lhs_params, values)


class AnyOf(_AsArray, In):
    pass


class RelatedAnyOf(_AsArray, RelatedIn):
    pass


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(RelatedAnyOf)  # a relation's lookups are its own, not Field's
