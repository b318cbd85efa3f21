"""Nodes as real processes: headquarters on PostgreSQL behind `manage.py serve`, posts on SQLite.

Used by the tests that prove synchronisation end to end (and by the fault drill to come): each
node has its own environment and database, and talks to the others only over HTTP.
"""

import inspect
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[3]
PG_SERVER = os.environ.get("BMIS_TEST_PG_SERVER", "postgres://postgres@127.0.0.1:5432")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Node:
    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.launcher = [sys.executable, "manage.py"]
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(folder),
            "BMIS_ENV_FILE": "",
            "BMIS_VAR_DIR": str(folder / "var"),
            "BMIS_LANGUAGE": "en",  # the tests read what the commands print
            "SECRET_KEY": "a-test-secret-key-that-is-long-enough-" + uuid.uuid4().hex,
            **env,
        }

    def manage(self, *args: str, check: bool = True, stdin: str | None = None):
        done = subprocess.run(
            [*self.launcher, *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and done.returncode:
            raise AssertionError(f"manage.py {' '.join(args)}: {done.stderr or done.stdout}")
        return done

    def spawn(self, *args: str) -> subprocess.Popen:
        """Start `manage.py args` in the background, in a process group of its own."""
        log = open(self.folder / "processes.log", "ab")  # noqa: SIM115 (the child's)
        return subprocess.Popen(
            [*self.launcher, *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )

    def python(self, code: str) -> str:
        """Run `code` in the node's Django shell; return what it printed."""
        return self.manage("shell", "-c", code).stdout


class Headquarters(Node):
    def __init__(self, folder: Path) -> None:
        self.database = f"openbmis_sync_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
        super().__init__(
            folder,
            {"BMIS_ROLE": "hq", "DATABASE_URL": f"{PG_SERVER}/{self.database}"},
        )
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None
        self.manage("migrate", "-v0")
        self.manage("load_reference", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")

    def start(self) -> None:
        log = open(self.folder / "hq.log", "ab")  # noqa: SIM115 (the server's, closed in stop)
        self.server = subprocess.Popen(
            [*self.launcher, "serve", "--port", str(self.port), "--workers", "2"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=2).close()
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("headquarters did not start: " + (self.folder / "hq.log").read_text())

    def stop(self) -> None:
        if self.server is not None:
            os.killpg(self.server.pid, 9)
            self.server.wait()
            self.server = None

    def query(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(f"{PG_SERVER}/{self.database}") as conn:
            return conn.execute(sql, params).fetchall()

    def enrolment_code(self, post: str, *args: str) -> str:
        return self.manage("post_create", post, *args).stdout.strip().rsplit(": ", 1)[1]

    def drop(self) -> None:
        self.stop()
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


class PostNode(Node):
    def __init__(self, folder: Path, post: str, clock_offset: float = 0) -> None:
        super().__init__(folder, {"BMIS_ROLE": "post", "BMIS_POST": post})
        self.code = post
        folder.mkdir(parents=True, exist_ok=True)
        if clock_offset:
            self.launcher = [sys.executable, str(Path(__file__).with_name("skewed.py"))]
            self.env["BMIS_TEST_CLOCK_OFFSET"] = str(clock_offset)
        self.manage("migrate", "-v0")

    def query(self, sql: str, *params) -> list[tuple]:
        import sqlite3

        with sqlite3.connect(self.folder / "var" / "bmis.sqlite3") as conn:
            return conn.execute(sql, params).fetchall()


# Scripts run in a node's Django shell: a post's staff (at headquarters), crossings (at a post).

STAFF = """
from bmis.accounts.services import user_create
from bmis.posts.models import Post
from bmis.posts.services import counter_create
post = Post.objects.get(code=CODE)
counter_create(actor=None, post=post, code="A1", name="Arrivals 1")
counter_create(actor=None, post=post, code="D1", name="Departures 1")
user_create(actor=None, username=USERNAME, password="a-long-test-passphrase", role="officer",
            post=post, first_name="Jean", last_name="Pierre", must_change_password=False)
"""

CROSS = """
import uuid
from datetime import date
from django.utils import timezone
from bmis.accounts.models import User
from bmis.crossings.models import Shift
from bmis.crossings.reading import from_mrz
from bmis.crossings.services import crossing_record, shift_open
from bmis.crossings.services.crossings import Details
from bmis.posts.models import Counter
from bmis.reference.models import TravelPurpose
from domain.mrz import build
officer = User.objects.get(username=USERNAME)
desk = "A1" if DIRECTION == "entry" else "D1"
shift = Shift.objects.filter(officer=officer, closed_at=None, direction=DIRECTION).first()
shift = shift or shift_open(officer=officer, direction=DIRECTION,
                            counter=Counter.objects.get(code=desk, post=officer.post))
for surname in SURNAMES:
    lines = build(format="TD3", document_code="P", issuing_state="UTO", surname=surname,
                  given_names="ANNA", document_number=f"L{surname[:8]}", nationality="UTO",
                  birth_date=date(1974, 8, 12), sex="F", expiry_date=date(2031, 4, 15))
    crossing_record(officer=officer, shift=shift, submission=uuid.uuid4(),
                    reading=from_mrz("\\n".join(lines), today=timezone.localdate()),
                    details=Details(mode="air", purpose=TravelPurpose.objects.first()),
                    decision="admitted", photo=photo(surname) if PHOTOS else None)
"""


def photo(surname: str) -> bytes:
    """Return the photo `cross(..., photos=True)` takes of a traveller: two chunks' worth."""
    return b"\xff\xd8\xff\xe0" + (surname.encode() * 40_000)[:300_000]


def staff(hq: "Headquarters", post: str, username: str = "jean") -> None:
    hq.python(f"CODE = {post!r}\nUSERNAME = {username!r}\n" + STAFF)


def cross(post: "PostNode", *surnames: str, direction="entry", username="jean",
          photos: bool = False) -> None:  # fmt: skip
    values = f"SURNAMES = {list(surnames)!r}\nDIRECTION = {direction!r}\nPHOTOS = {photos!r}\n"
    source = inspect.getsource(photo)
    post.python(values + f"USERNAME = {username!r}\n" + source + CROSS)


def converge(posts, rounds: int = 30) -> None:
    """Sync every post until a whole round moves nothing: on PostgreSQL a pull serves a change
    only once every older transaction of the server has ended, so a change may wait a round."""
    for _ in range(rounds):
        quiet = True
        for post in posts:
            done = post.manage("sync", check=False)
            quiet = quiet and "Pushed 0 records, pulled 0" in done.stdout
        if quiet:
            return
    raise AssertionError(f"the posts did not converge: {done.stdout} {done.stderr}")


def pg_answers() -> bool:
    try:
        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True
