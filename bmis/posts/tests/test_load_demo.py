"""`manage.py load_demo` (bmis/core/management/commands/load_demo.py)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bmis.accounts.models import User
from bmis.posts.models import Counter
from bmis.reference.services import reference_load


def load_demo(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counter_codes(post_code):
    return sorted(Counter.objects.filter(post__code=post_code).values_list("code", flat=True))


def test_it_refuses_to_run_before_the_reference_data_is_loaded(db):
    with pytest.raises(CommandError, match=r"run `python manage\.py load_reference` first"):
        load_demo()
    assert not User.objects.exists()


def test_it_opens_counters_and_makes_one_user_per_role(db):
    reference_load()
    output = load_demo("--password", "a-long-demo-passphrase")
    assert counter_codes("PAP") == ["A1", "A2", "A3", "D1", "D2"]
    assert counter_codes("OUA") == ["1", "2"]
    users = {user.username: user for user in User.objects.select_related("post")}
    assert {
        name: (user.role, getattr(user.post, "code", None)) for name, user in users.items()
    } == {
        "officer": ("officer", "PAP"),
        "supervisor": ("supervisor", "PAP"),
        "chief": ("post_chief", "PAP"),
        "analyst": ("analyst", None),
        "watchlist": ("watchlist_manager", None),
        "admin": ("admin", None),
    }
    officer = users["officer"]
    assert officer.check_password("a-long-demo-passphrase")
    assert (officer.language, officer.must_change_password) == ("fr", False)
    assert officer.get_full_name() == "Marie-Claude Joseph"
    assert users["admin"].is_staff
    assert "chief" in output and "a-long-demo-passphrase" in output


def test_it_makes_two_demo_alert_lists_that_screen_the_specimen_passport(db):
    from bmis.watchlist.models import ListedDocument, ListedPerson
    from bmis.watchlist.screening import screen
    from domain.screening import Traveller

    reference_load()
    load_demo()
    assert ListedPerson.objects.filter(watchlist__code="DEMO-WANTED").count() == 1
    assert ListedDocument.objects.filter(watchlist__code="DEMO-SLTD").count() == 1
    hits = screen(
        Traveller("ERIKSSON", "ANNA MARIA", document_number="L898902C3", document_country="UTO")
    )
    assert [(hit.watchlist.code, hit.kind) for hit in hits] == [("DEMO-SLTD", "document")]


def test_a_second_run_keeps_what_exists_and_never_resets_a_password(db):
    reference_load()
    load_demo()
    officer = User.objects.get(username="officer")
    officer.set_password("the-officer-s-own-passphrase")
    officer.save()
    output = load_demo("--password", "another-demo-passphrase")
    officer.refresh_from_db()
    assert officer.check_password("the-officer-s-own-passphrase")
    assert User.objects.count() == 6
    assert Counter.objects.count() == 7
    assert "Counters created: 0. Demo alert lists created: 0." in output
    assert "another-demo-passphrase" not in output
