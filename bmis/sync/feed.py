"""What headquarters sends a post's node when it pulls: the changes after its cursor.

The cursor is `(txid, seq)` of the last change sent. On PostgreSQL change numbers are taken out
of commit order (a transaction that began earlier may commit later, with smaller numbers), so
"seq greater than the last one" would skip rows. Only changes of transactions older than every
transaction still running in this database are served, in `(txid, seq)` order: nothing can later
commit before the cursor. On SQLite writers are serialised and `txid` is 0: the cursor is the
number alone.

A post receives what headquarters owns (reference data, posts and counters, accounts, stay
rules, lists and their entries) and what the other posts recorded (travellers, documents, shifts,
crossings, hits: not their photos or audit trails), so that it knows a traveller's last crossing
and open stay anywhere in the country as of its last sync. While it is being rebuilt
(`restoring`), it receives its own records back too, photos and audit trail included. Accounts
of other posts' staff and of headquarters reach it without a password and inactive: a post knows
who moved away, and holds no one else's credentials.

A photo's record comes without its content, which the node fetches by its hash before applying
the batch (`attachments`); a batch ends early rather than make it fetch more than
`attachments.BATCH_BYTES`, which it holds in memory until the batch is stored.
"""

from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from bmis.sync import attachments, outbox, records
from bmis.sync.models import Change, NodeLink
from bmis.sync.registry import SHARED, by_table

BATCH = 1000


# The oldest transaction still running, as `pg_snapshot_xmin(pg_current_snapshot())` gives it,
# but for those known to run in another database of the server: they cannot write this one's
# change log, and a load, a restore or a test run there must not hold the posts' pulls and the
# statistics back. A running transaction whose database is not known (a prepared one, a backend
# that began after `pg_stat_activity` was read, a role not allowed to see it) still counts.
HORIZON = """
    SELECT coalesce(
        (
            SELECT min(running) FROM pg_snapshot_xip(snapshot) AS running
            WHERE NOT EXISTS (
                SELECT FROM pg_stat_activity AS activity
                WHERE activity.backend_xid = xid(running)
                AND activity.datname <> current_database()
            )
        ),
        pg_snapshot_xmax(snapshot)
    )::text::bigint
    FROM pg_current_snapshot() AS snapshot
"""


def _horizon() -> int | None:
    """Below it, every transaction of this database has ended (None on SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(HORIZON)
        return cursor.fetchone()[0]


def changes_after(
    txid: int, seq: int, limit: int = BATCH, unwanted=None, horizon: int | None = None
) -> list[Change]:
    """Return the next changes after the cursor that no running transaction can precede (but
    those `unwanted`, a filter on changes); `horizon` if the caller took it already."""
    changes = _served(txid, seq, _horizon() if horizon is None else horizon)
    if unwanted is not None:
        changes = changes.exclude(unwanted)
    return list(changes.order_by("txid", "seq")[:limit])


def _served(txid: int, seq: int, horizon: int | None):
    changes = _after(txid, seq)
    return changes if horizon is None else changes.filter(txid__lt=horizon)


def _unwanted(link: NodeLink, restoring: bool):
    """Return the filter of the changes the node does not get: its own records (but while it is
    being rebuilt), and the other posts' that stay between them and headquarters."""
    from django.db.models import Q

    tables = [travels for travels in by_table().values() if travels.pushed]
    own = Q(origin=link.post.code)
    unwanted = ~own & Q(table__in=[t.table for t in tables if t.label not in SHARED])
    return unwanted if restoring else unwanted | (own & Q(table__in=[t.table for t in tables]))


def _after(txid: int, seq: int):
    from django.db.models import Q

    return Change.objects.filter(Q(txid__gt=txid) | Q(txid=txid, seq__gt=seq))


def held_back(txid: int, seq: int, horizon: int | None) -> bool:
    """Whether committed changes after the cursor wait behind a transaction still running, at
    or above `horizon` (on PostgreSQL; a long one in this database holds it back)."""
    return horizon is not None and _after(txid, seq).filter(txid__gte=horizon).exists()


def pull_serve(*, link: NodeLink, cursor: dict, restoring: bool = False) -> dict:
    """Return the next batch for the node: its records, the new cursor, and whether more wait."""
    txid, seq = int(cursor.get("txid") or 0), int(cursor.get("seq") or 0)
    # Every transaction below the horizon has ended: nothing can commit below it any more.
    horizon = _horizon()
    changes = changes_after(txid, seq, unwanted=_unwanted(link, restoring), horizon=horizon)
    more = len(changes) == BATCH
    tables = by_table()
    wanted: dict[str, set[str]] = defaultdict(set)
    for change in changes:
        travels = tables.get(change.table)
        if travels is None:
            continue
        own = change.origin == link.post.code
        if travels.pushed and not (restoring if own else travels.label in SHARED):
            continue
        wanted[change.table].add(change.row_id)
    rows = {
        (table, str(obj.pk)): obj
        for table, ids in wanted.items()
        for obj in attachments.without_content(tables[table].model.objects.filter(pk__in=ids))
    }
    if sum(map(attachments.weight, rows.values())) > attachments.BATCH_BYTES:
        changes, rows = _lighter(changes, rows)
        more = True
    last = changes[-1] if changes else None
    if not more:  # what lies between was looked at and is not for the node: the cursor skips it
        last = _served(txid, seq, horizon).order_by("-txid", "-seq").first() or last
    return {
        "records": [_for_node(records.dump(obj), obj, link) for obj in rows.values()],
        "cursor": {"txid": last.txid, "seq": last.seq} if last else {"txid": txid, "seq": seq},
        "more": more,
        # A node being rebuilt waits for these before it writes anything of its own.
        "held": restoring and not more and held_back(txid, seq, horizon),
        "hq_time": timezone.now().isoformat(),
    }


def _lighter(changes: list[Change], rows: dict) -> tuple[list[Change], dict]:
    """Return the first changes whose rows' attachments weigh at most `BATCH_BYTES` (one row
    at least), and those rows: the others come with the next batch."""
    kept, weight = {}, 0
    for position, change in enumerate(changes):
        key = outbox.key(change)
        if key in rows and key not in kept:
            weight += attachments.weight(rows[key])
            if kept and weight > attachments.BATCH_BYTES:
                return changes[:position], kept
            kept[key] = rows[key]
    return changes, kept


def _for_node(record: dict, obj, link: NodeLink) -> dict:
    if record["model"] == "accounts.User" and obj.post_id != link.post_id:
        record["fields"]["password"] = make_password(None)
        record["fields"]["is_active"] = False
    return record
