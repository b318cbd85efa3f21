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
