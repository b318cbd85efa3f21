"""What a node's agent reads to make a push batch: the rows its change log names, as they are
now, and what it tells headquarters beside them (the age of its backlog, the lists it holds,
its local copies)."""

from bmis.sync import attachments
from bmis.sync.models import Change
from bmis.sync.registry import by_table


def key(change: Change) -> tuple[str, str]:
    """Return the change's table and key, the key written as Django writes it (SQLite stores
    UUIDs as hex, PostgreSQL with dashes)."""
    travels = by_table().get(change.table)
    if travels is None:
        return change.table, change.row_id
    return change.table, str(travels.model._meta.pk.to_python(change.row_id))


def rows(changes: list[Change]) -> dict:
    """Return the rows the changes name, by `key` (attachments' content left out)."""
    tables = by_table()
    wanted: dict[str, set] = {}
    for change in changes:
        wanted.setdefault(change.table, set()).add(key(change)[1])
    return {
        (table, str(obj.pk)): obj
        for table, ids in wanted.items()
        for obj in attachments.without_content(tables[table].model.objects.filter(pk__in=ids))
    }


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
