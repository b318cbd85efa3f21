"""An officer's change of their own password at a post reaches headquarters, which owns accounts
(accounts.PasswordChange), and is not undone by the next account the post pulls."""

import pytest
from django.contrib.auth.hashers import make_password

from bmis.accounts.models import PasswordChange, User
from bmis.accounts.services import password_change, user_create, user_reset_password
from bmis.core.models import AuditEvent
from bmis.sync import records
from bmis.sync.tests.test_exchange import batch

OLD, NEW, NEWER = "a-long-test-passphrase", "another-long-passphrase", "a-third-long-passphrase"


@pytest.fixture
def officer(oua):
    return user_create(actor=None, username="marie", password=OLD, role="officer", post=oua,
                       first_name="Marie", last_name="Jean", must_change_password=True)  # fmt: skip


def made_at_the_post(officer, replaced, password):
    """Return the record of the post OUA's change of `officer`'s password hash `replaced` to
    `password`, as its agent pushes it."""
    change = PasswordChange(origin="OUA", user=officer, password=make_password(password),
                            replaced=replaced)  # fmt: skip
    return records.dump(change)


def test_a_change_at_a_post_is_written_for_headquarters_and_one_at_headquarters_is_not(
    settings, officer
):
    settings.BMIS_ROLE = "hq"
    password_change(user=officer, new_password=NEW)
    assert not PasswordChange.objects.exists()
    settings.BMIS_ROLE = "post"
    password_change(user=officer, new_password=NEWER)
    change = PasswordChange.objects.get()
    officer.refresh_from_db()
    assert change.password == officer.password and officer.check_password(NEWER)
    assert change.user == officer and not officer.must_change_password


def test_headquarters_takes_the_officers_changes_in_order_and_once(hq, officer, node):
    first = made_at_the_post(officer, officer.password, NEW)
    second = made_at_the_post(officer, first["fields"]["password"], NEWER)
    answer = node.post("/sync/push", batch([first, second]))
    assert answer.json()["refused"] == []
    officer.refresh_from_db()
    assert officer.check_password(NEWER) and not officer.must_change_password
    # The same batch again (its answer lost): nothing more happens.
    events = AuditEvent.objects.filter(action__startswith="user.password").count()
    node.post("/sync/push", batch([first, second]))
    assert AuditEvent.objects.filter(action__startswith="user.password").count() == events
    officer.refresh_from_db()
    assert officer.check_password(NEWER)


def test_an_administrators_reset_made_since_stands(hq, officer, node):
    change = made_at_the_post(officer, officer.password, NEW)
    admin = user_create(actor=None, username="admin", password=OLD, role="admin", post=None,
                        first_name="A", last_name="B", must_change_password=False)  # fmt: skip
    user_reset_password(actor=admin, user=officer, password="a-temporary-passphrase")
    node.post("/sync/push", batch([change]))
    officer.refresh_from_db()
    assert officer.check_password("a-temporary-passphrase") and officer.must_change_password
    assert AuditEvent.objects.filter(action="user.password_change_superseded").exists()


def test_a_post_cannot_change_another_posts_officer(hq, officer, node, pap):
    change = made_at_the_post(officer, officer.password, NEW)
    User.objects.filter(pk=officer.pk).update(post=pap)
    node.post("/sync/push", batch([change]))
    officer.refresh_from_db()
    assert officer.check_password(OLD)
