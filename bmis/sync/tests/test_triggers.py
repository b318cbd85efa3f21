"""The change log is written by the database, in the writer's transaction, for every path."""

import pytest
from django.db import transaction

from bmis.posts.models import Counter, Post
from bmis.sync.models import Change


def changes(table):
    return list(Change.objects.filter(table=table).values_list("row_id", "origin"))


@pytest.mark.django_db
def test_it_logs_inserts_and_updates_with_the_rows_origin():
    post = Post.objects.create(code="JAC", name="Jacmel", kind="sea")
    Post.objects.filter(pk=post.pk).update(name="Port de Jacmel")  # no save(), no signal
    logged = changes("posts_post")
    assert len(logged) == 2
    assert {origin for _, origin in logged} == {"PAP"}
    assert all(post.pk.hex == row_id or str(post.pk) == row_id for row_id, _ in logged)


@pytest.mark.django_db
def test_it_logs_bulk_writes():
    post = Post.objects.create(code="JAC", name="Jacmel", kind="sea")
    Counter.objects.bulk_create(
        [Counter(post=post, code=f"A{i}", name=f"Desk {i}") for i in range(3)]
    )
    assert len(changes("posts_counter")) == 3


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_no_change():
    before = Change.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        Post.objects.create(code="JAC", name="Jacmel", kind="sea")
        raise RuntimeError
    assert Change.objects.count() == before


@pytest.mark.django_db
def test_it_logs_reference_data_by_its_code():
    from bmis.reference.models import RefusalReason

    RefusalReason.objects.create(code="Z", order=99, name_fr="Z", name_en="Z", name_ht="Z",
                                 name_es="Z")  # fmt: skip
    assert changes("reference_refusalreason") == [("Z", "")]


@pytest.mark.django_db
def test_tables_that_stay_home_are_not_logged():
    from bmis.accounts.models import LoginThrottle

    LoginThrottle.objects.create(key="user:x", failures=1)
    assert not Change.objects.filter(table="accounts_loginthrottle").exists()


@pytest.mark.django_db
def test_each_change_keeps_this_nodes_time_of_writing():
    from datetime import timedelta

    from django.utils import timezone

    before = timezone.now()
    Post.objects.create(code="JAC", name="Jacmel", kind="sea")
    change = Change.objects.latest("seq")
    assert before - timedelta(seconds=5) <= change.at <= timezone.now()


def person():
    from bmis.crossings.models import Person

    return Person.objects.create(surname="MORGAN", given_names="ELLEN", name_key="MORGAN ELLEN",
                                 nationality="USA")  # fmt: skip


@pytest.mark.django_db
def test_an_update_of_only_what_a_table_keeps_home_logs_nothing():
    from bmis.crossings.models import Person

    traveller = person()
    before = Change.objects.count()
    Person.objects.filter(pk=traveller.pk).update(present=True, stay_rule="VISA-90")
    assert Change.objects.count() == before  # where a traveller is: every node works it out
    Person.objects.filter(pk=traveller.pk).update(surname="MORGAN-SMITH", present=False)
    assert Change.objects.count() == before + 1


@pytest.mark.django_db
def test_a_statement_of_many_rows_logs_each_row_once():
    from bmis.crossings.models import Person

    travellers = [person() for _ in range(5)]
    before = Change.objects.count()
    Person.objects.filter(pk__in=[t.pk for t in travellers[:3]]).update(given_names="ELLEN M")
    logged = Change.objects.filter(table="crossings_person").order_by("-seq")[:3]
    assert Change.objects.count() == before + 3
    expected = {str(t.pk) for t in travellers[:3]} | {t.pk.hex for t in travellers[:3]}
    assert {change.row_id for change in logged} <= expected


@pytest.mark.django_db
def test_the_triggers_know_every_column_the_registry_carries():
    """A column added to a table that keeps some at home must be logged when it changes: the
    triggers ignore no column that the registry carries (else a migration must install them
    again, as sync 0004 does)."""
    from django.db import connection

    from bmis.sync.registry import TRAVELLING

    for travels in TRAVELLING:
        if not travels.kept_home:
            continue
        fields = travels.model._meta.concrete_fields
        carried = [
            f.column for f in fields if f.attname not in travels.kept_home and not f.primary_key
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass "
                    "AND tgname = 'sync_capture_update'",
                    [travels.table],
                )
            else:
                cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                    [f"sync_{travels.table}_update"],
                )
            (definition,) = cursor.fetchone()
        if " OF " not in definition:
            continue  # every update is logged
        listed = definition.split(" OF ", 1)[1].split(" ON ", 1)[0]
        assert set(carried) <= {c.strip().strip('"') for c in listed.split(",")}, travels.table


@pytest.mark.django_db
def test_every_table_that_travels_has_its_triggers():
    """A migration that rebuilds a table on SQLite (altering a field copies the table, and
    dropping the old one drops its triggers) must install them again: else the post stops
    logging what it has to push, and nothing else would say so."""
    from django.db import connection

    from bmis.sync.registry import TRAVELLING

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
            )
            found = {(table.strip('"'), name) for table, name in cursor.fetchall()}
            wanted = {
                (t.table, f"sync_capture_{e}") for t in TRAVELLING for e in ("insert", "update")
            }
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            found = set(cursor.fetchall())
            wanted = {
                (t.table, f"sync_{t.table}_{e}") for t in TRAVELLING for e in ("insert", "update")
            }
    assert wanted - found == set()
