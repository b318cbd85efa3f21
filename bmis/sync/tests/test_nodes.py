"""Synchronisation end to end, with real processes: headquarters on PostgreSQL behind its server,
a post's node on SQLite, the sync agent as a command. Run in the PostgreSQL pass of `make test`.
"""

import hashlib

import pytest
from django.db import connection

from bmis.sync.tests.nodes import Headquarters, PostNode, converge, cross, pg_answers, photo, staff

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or not pg_answers(),
    reason="runs in the PostgreSQL pass: headquarters needs PostgreSQL",
)


@pytest.fixture
def hq(tmp_path):
    node = Headquarters(tmp_path / "hq")
    node.start()
    yield node
    node.drop()


CHANGE_PASSWORD = """
from bmis.accounts.models import User
from bmis.accounts.services import password_change
password_change(user=User.objects.get(username="jean"), new_password="a-new-long-passphrase")
"""


def test_a_post_enrols_pushes_its_crossings_and_is_rebuilt_with_nothing_lost(hq, tmp_path):
    code = hq.enrolment_code("OUA")
    staff(hq, "OUA")
    post = PostNode(tmp_path / "oua", "OUA")
    enrolled = post.manage("node_enrol", "--hq", hq.url, "--code", code)
    assert "now the node of post OUA" in enrolled.stdout
    # The post's staff can sign in offline: their accounts came with the enrolment.
    assert post.query("SELECT username, is_active FROM accounts_user") == [("jean", 1)]

    cross(post, "ERIKSSON", "DUPONT", "JOSEPH", photos=True)
    # The officer changes their password at the post, offline: headquarters takes it.
    post.python(CHANGE_PASSWORD)
    assert "Pushed" in post.manage("sync").stdout
    changed = post.query("SELECT password FROM accounts_user WHERE username = 'jean'")
    assert hq.query("SELECT password FROM accounts_user WHERE username = 'jean'") == changed
    post.manage("sync")  # nothing new: nothing doubles
    at_hq = hq.query("SELECT id, origin FROM crossings_crossing ORDER BY id")
    assert len(at_hq) == 3
    assert {origin for _, origin in at_hq} == {"OUA"}
    assert hq.query("SELECT count(*) FROM crossings_person WHERE present")[0][0] == 3
    assert "intact" in hq.manage("audit_verify").stdout
    # The photos went beside their records, in chunks, and arrived whole.
    photos = {hashlib.sha256(photo(name)).hexdigest(): photo(name) for name in
              ("ERIKSSON", "DUPONT", "JOSEPH")}  # fmt: skip
    at_hq_photos = hq.query("SELECT sha256, data FROM crossings_photo")
    assert {sha256: bytes(data) for sha256, data in at_hq_photos} == photos

    # The laptop is lost: a new machine is enrolled as OUA with a new code.
    code = hq.enrolment_code("OUA")
    rebuilt = PostNode(tmp_path / "oua-new", "OUA")
    rebuilt.manage("node_enrol", "--hq", hq.url, "--code", code)
    ids = [str(row[0]).replace("-", "") for row in at_hq]
    assert sorted(row[0] for row in rebuilt.query("SELECT id FROM crossings_crossing")) == ids
    assert rebuilt.query("SELECT count(*) FROM crossings_person WHERE present")[0][0] == 3
    # Its photos came back, fetched by their hash, byte for byte.
    back = rebuilt.query("SELECT sha256, data FROM crossings_photo")
    assert {sha256: bytes(data) for sha256, data in back} == photos
    assert list((rebuilt.folder / "var" / "attachments").iterdir()) == []
    assert rebuilt.query("SELECT password FROM accounts_user WHERE username = 'jean'") == changed
    assert "intact" in rebuilt.manage("audit_verify").stdout
    # Its chain continues after the events headquarters holds, and its new work reaches HQ.
    cross(rebuilt, "LOUIS")
    rebuilt.manage("sync")
    assert hq.query("SELECT count(*) FROM crossings_crossing")[0][0] == 4
    assert "intact" in hq.manage("audit_verify").stdout

    # The lost laptop, found again, can no longer push.
    stale = post.manage("sync", check=False)
    assert stale.returncode == 1
    assert "signature does not match" in stale.stderr


PRESENT = "SELECT p.surname, p.present FROM crossings_person p WHERE p.id NOT IN " \
    "(SELECT person_id FROM crossings_personmerge) ORDER BY p.surname"  # fmt: skip


def test_travellers_flow_between_posts_and_duplicates_are_merged(hq, tmp_path):
    posts = {}
    for code, username in (("OUA", "jean"), ("MAL", "marie")):
        enrolment = hq.enrolment_code(code)
        staff(hq, code, username)
        posts[code] = PostNode(tmp_path / code.lower(), code)
        posts[code].manage("node_enrol", "--hq", hq.url, "--code", enrolment)
    oua, mal = posts["OUA"], posts["MAL"]

    # Joseph enters at Ouanaminthe; Malpasse hears of it through headquarters.
    cross(oua, "JOSEPH")
    converge([oua, mal])
    assert mal.query(PRESENT) == [("JOSEPH", 1)]
    # He leaves by Malpasse: his entry there is matched with his exit here, at once.
    cross(mal, "JOSEPH", direction="exit", username="marie")
    assert mal.query(PRESENT) == [("JOSEPH", 0)]

    # Dupont enters at Ouanaminthe and leaves by Malpasse before either post synchronised:
    # each post records a traveller of its own.
    cross(oua, "DUPONT")
    cross(mal, "DUPONT", direction="exit", username="marie")
    assert ("DUPONT", 0) in mal.query(PRESENT)
    converge([oua, mal])
    # Headquarters merged them into one traveller, whose entry and exit are matched; no
    # crossing was rewritten, and every post reads them the same way.
    assert hq.query("SELECT count(*) FROM crossings_personmerge")[0][0] == 1
    assert hq.query(PRESENT) == [("DUPONT", False), ("JOSEPH", False)]
    assert oua.query(PRESENT) == [("DUPONT", 0), ("JOSEPH", 0)]
    assert mal.query(PRESENT) == [("DUPONT", 0), ("JOSEPH", 0)]
    assert hq.query("SELECT count(*) FROM crossings_crossing")[0][0] == 4
    assert hq.query("SELECT count(*) FROM crossings_person")[0][0] == 3
    for node in (hq, oua, mal):
        assert "intact" in node.manage("audit_verify").stdout
