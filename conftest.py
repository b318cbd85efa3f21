"""Fixtures shared by every test: a fixed cast of users per role (Healthchecks' Alice and Bob)."""

import pytest

PASSWORD = "a-long-test-passphrase"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    from django.core.management import call_command

    call_command("i18n_compile", verbosity=0)


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Serve static files without a collected manifest, and hash passwords fast."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def screening_index_folder(settings, tmp_path):
    """Write the screening indexes of each test in a folder of its own."""
    settings.BMIS_INDEX_DIR = tmp_path / "screening-index"


@pytest.fixture
def pap(db):
    from bmis.posts.models import Post

    return Post.objects.create(
        code="PAP",
        name="Aéroport international Toussaint Louverture",
        kind="air",
        department="HT-OU",
        iata="PAP",
    )


@pytest.fixture
def oua(db):
    from bmis.posts.models import Post

    return Post.objects.create(
        code="OUA", name="Ouanaminthe", kind="land", department="HT-NE", facing="Dajabón"
    )


def make_user(username, role, post=None, **extra):
    from bmis.accounts.services import user_create

    fields = {"first_name": username.title(), "last_name": "Test", "must_change_password": False}
    fields.update(extra)
    return user_create(
        actor=None, username=username, password=PASSWORD, role=role, post=post, **fields
    )


@pytest.fixture
def officer(pap):
    return make_user("officer", "officer", pap)


@pytest.fixture
def officer_oua(oua):
    return make_user("officer_oua", "officer", oua)


@pytest.fixture
def supervisor(pap):
    return make_user("supervisor", "supervisor", pap)


@pytest.fixture
def chief(pap):
    return make_user("chief", "post_chief", pap)


@pytest.fixture
def analyst(db):
    return make_user("analyst", "analyst")


@pytest.fixture
def watchlist_manager(db):
    return make_user("watchlist", "watchlist_manager")


@pytest.fixture
def admin_user(db):
    return make_user("admin", "admin")


@pytest.fixture
def cast(officer, officer_oua, supervisor, chief, analyst, watchlist_manager, admin_user):
    """One user of each role, keyed by role (and officer_oua, an officer of another post)."""
    return {
        "officer": officer,
        "supervisor": supervisor,
        "post_chief": chief,
        "analyst": analyst,
        "watchlist_manager": watchlist_manager,
        "admin": admin_user,
        "officer_oua": officer_oua,
    }
