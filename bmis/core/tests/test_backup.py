"""The scheduled local copy of a post's database, to a USB stick that may be out or pulled."""

import errno
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from bmis.core import backup

ROOT = Path(__file__).resolve().parents[3]
NOON = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)  # 12:00 in Port-au-Prince
STAMP_AT_NOON = "bmis-PAP-20260301-120000.sqlite3"


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.BMIS_NODE = "PAP"
    return settings.VAR_DIR


@pytest.fixture
def source(tmp_path):
    """A node's database as the node keeps it: WAL, with some crossings in it."""
    path = tmp_path / "var" / "bmis.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE crossing (id INTEGER PRIMARY KEY, who TEXT)")
        db.executemany("INSERT INTO crossing (who) VALUES (?)", [("x" * 500,)] * 20000)
    return path


@pytest.fixture
def usb(tmp_path):
    path = tmp_path / "usb"
    path.mkdir()
    return path


def status():
    return backup.status()


def fake_copy(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("an old copy")
    return path


def test_a_copy_made_while_officers_write_opens_and_holds_their_data(source, usb):
    stop = threading.Event()
    written = []

    def officer():
        with sqlite3.connect(source, timeout=20) as db:
            while not stop.is_set():
                db.execute("INSERT INTO crossing (who) VALUES ('during')")
                db.commit()
                written.append(1)

    thread = threading.Thread(target=officer)
    thread.start()
    try:
        while len(written) < 5:
            time.sleep(0.001)
        before = 20000 + len(written)
        done = backup.run(usb, source=source, now=NOON)
        after = 20000 + len(written)
    finally:
        stop.set()
        thread.join()
    assert after > before, "the officer could not write during the copy"
    assert done.path == usb / STAMP_AT_NOON
    with sqlite3.connect(done.path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        count = copy.execute("SELECT count(*) FROM crossing").fetchone()[0]
        assert copy.execute("SELECT who FROM crossing WHERE id = 1").fetchone()[0] == "x" * 500
    assert before <= count <= after
    assert sorted(p.name for p in usb.iterdir()) == [STAMP_AT_NOON]
    assert status()["last_success"] == {
        "at": NOON.isoformat(),
        "file": str(done.path),
        "bytes": done.path.stat().st_size,
    }


def test_rotation_keeps_exactly_n_of_this_nodes_copies_and_never_touches_anything_else(source, usb):
    olds = [fake_copy(usb, f"bmis-PAP-2026022{day}-120000.sqlite3") for day in range(1, 6)]
    others = [
        fake_copy(usb, "bmis-OUA-20200101-000000.sqlite3"),  # another post's copy
        fake_copy(usb, "bmis-PAPX-20200101-000000.sqlite3"),
        fake_copy(usb, "bmis-PAP-20200101-000000.sqlite3.bak"),
        fake_copy(usb, "bmis-PAP-20201399-000000.sqlite3"),  # no such date
        fake_copy(usb, "bmis-PAP-latest.sqlite3"),
        fake_copy(usb, "photos.txt"),
    ]
    (usb / "bmis-PAP-20190101-000000.sqlite3").mkdir()
    (usb / "bmis-PAP-20190102-000000.sqlite3").symlink_to(others[-1])

    done = backup.run(usb, keep=3, source=source, now=NOON)

    kept = [p.name for p in backup.node_copies(usb, "PAP")]
    assert kept == [olds[3].name, olds[4].name, STAMP_AT_NOON]
    assert sorted(done.removed) == olds[:3]
    assert all(p.read_text() == "an old copy" for p in others)
    assert (usb / "bmis-PAP-20190101-000000.sqlite3").is_dir()
    assert (usb / "bmis-PAP-20190102-000000.sqlite3").is_symlink()


def test_a_clock_set_back_never_removes_the_copy_just_made(source, usb):
    future = [fake_copy(usb, f"bmis-PAP-2030010{day}-120000.sqlite3") for day in range(1, 4)]
    backup.run(usb, keep=2, source=source, now=NOON)
    assert [p.name for p in backup.node_copies(usb, "PAP")] == [STAMP_AT_NOON, future[2].name]


def test_a_missing_stick_is_named_recorded_and_nothing_is_written_in_its_place(source, tmp_path):
    stick = tmp_path / "media" / "usb"
    stick.parent.mkdir()
    with pytest.raises(backup.BackupError) as caught:
        backup.run(str(stick) + "/", source=source, now=NOON)
    assert caught.value.code == "missing"
    with translation.override("en"):
        assert backup.message("missing", stick) == (
            f"The backup destination {stick} is not there: plug in the USB stick or the second "
            "disk, and check that it is mounted."
        )
    assert list(stick.parent.iterdir()) == []  # not a file called "usb" on the laptop's disk
    assert status()["last_failure"] == {
        "at": NOON.isoformat(),
        "destination": str(stick) + "/",
        "code": "missing",
        "path": str(stick),
        "detail": "",
    }


def test_an_unwritable_stick_is_refused_clearly(source, usb, monkeypatch):
    usb.chmod(0o500)
    if os.geteuid() == 0:  # root may write anywhere: answer as a read-only stick would
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != usb and real(p, mode))
    try:
        with pytest.raises(backup.BackupError) as caught:
            backup.run(usb, source=source, now=NOON)
    finally:
        usb.chmod(0o700)
    assert caught.value.code == "not_writable"
    assert status()["last_failure"]["code"] == "not_writable"
    assert list(usb.iterdir()) == []


def test_other_disk_refuses_the_empty_mount_point_on_the_databases_own_disk(source, usb):
    with pytest.raises(backup.BackupError) as caught:
        backup.run(usb, other_disk=True, source=source, now=NOON)
    assert caught.value.code == "same_disk"
    assert list(usb.iterdir()) == []


def test_a_copy_that_fails_its_check_leaves_nothing_that_looks_like_a_backup(
    source, usb, monkeypatch
):
    def truncated(source, partial):
        partial.write_bytes(source.read_bytes()[:4096])
        return "*** in database main ***\nPage 5 is never used"

    monkeypatch.setattr(backup, "_snapshot", truncated)
    with pytest.raises(backup.BackupError) as caught:
        backup.run(usb, keep=1, source=source, now=NOON)
    assert caught.value.code == "integrity"
    assert list(usb.iterdir()) == []
    assert "last_success" not in status()


def test_a_stick_pulled_during_the_copy_leaves_nothing_that_looks_like_a_backup(
    source, usb, monkeypatch
):
    def pulled(path):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(backup, "_fsync", pulled)
    with pytest.raises(backup.BackupError) as caught:
        backup.run(usb, source=source, now=NOON)
    assert (caught.value.code, caught.value.detail) == ("copy_failed", "Input/output error")
    assert list(usb.iterdir()) == []


def test_a_partial_copy_left_by_a_power_cut_is_never_a_backup_and_is_cleared(source, usb):
    partial = usb / ".bmis-PAP-20260228-120000.sqlite3.partial"
    partial.write_bytes(source.read_bytes()[:8192])
    young = usb / ".bmis-PAP-20260301-115959.sqlite3.partial"  # perhaps another copy, running
    young.write_bytes(b"")
    stranger = usb / ".bmis-OUA-20260228-120000.sqlite3.partial"
    stranger.write_bytes(b"")
    hours_ago = time.time() - 7200
    for path in (partial, stranger):
        os.utime(path, (hours_ago, hours_ago))
    assert backup.node_copies(usb, "PAP") == []

    backup.run(usb, keep=1, source=source, now=NOON)

    assert sorted(p.name for p in usb.iterdir()) == sorted(
        [STAMP_AT_NOON, young.name, stranger.name]
    )


@pytest.mark.parametrize(
    ("text", "seconds"), [("30m", 1800), ("6h", 21600), ("1d", 86400), ("90", 90), (" 2H ", 7200)]
)
def test_it_reads_human_intervals(text, seconds):
    assert backup.parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["often", "6x", "-1h", "0", "30s", "6 hours", "", "1.5h", "90d"])
def test_it_refuses_a_garbage_interval_clearly(text, source, usb, monkeypatch):
    with pytest.raises(backup.BackupError) as caught:
        backup.parse_interval(text)
    assert caught.value.code == "interval"
    monkeypatch.setattr(backup, "database_path", lambda: source)
    with translation.override("en"), pytest.raises(CommandError) as command:
        call_command("backup", str(usb), f"--every={text}")
    assert str(command.value) == (
        f"{text} is not an interval: write a number of minutes, hours or days such as 30m, 6h "
        "or 1d (from one minute to 30 days)."
    )


def test_the_loop_tries_again_at_the_next_turn_when_the_stick_is_out(source, tmp_path):
    stick = tmp_path / "usb"
    times = iter(NOON + timedelta(hours=6 * turn) for turn in range(10))
    slept, copies, failures = [], [], []

    def sleep(seconds):
        slept.append(seconds)
        if len(slept) == 1:
            stick.mkdir()  # someone plugs the stick back in
            assert status()["last_failure"]["code"] == "missing"

    backup.loop(
        stick,
        interval=6 * 3600,
        keep=14,
        source=source,
        stop=lambda: len(copies) == 2,
        sleep=sleep,
        clock=lambda: next(times),
        on_copy=copies.append,
        on_failure=failures.append,
    )
    assert [f.code for f in failures] == ["missing"]
    assert slept == [6 * 3600, 6 * 3600]
    assert [c.path.name for c in copies] == [
        "bmis-PAP-20260302-000000.sqlite3",
        "bmis-PAP-20260302-060000.sqlite3",
    ]
    recorded = status()
    assert recorded["last_success"]["file"] == str(copies[-1].path)
    assert recorded["last_failure"]["at"] == (NOON + timedelta(hours=6)).isoformat()


def test_the_loop_waits_for_what_is_left_since_the_last_good_copy(source, usb):
    backup.run(usb, source=source, now=NOON)
    slept = []
    backup.loop(
        usb,
        interval=6 * 3600,
        source=source,
        stop=lambda: len(slept) > 0,
        sleep=slept.append,
        clock=lambda: NOON + timedelta(hours=2),  # the node came back from a power cut
    )
    assert slept == [4 * 3600]
    assert len(backup.node_copies(usb, "PAP")) == 1


def test_the_command_copies_rotates_and_says_so(source, usb, monkeypatch):
    monkeypatch.setattr(backup, "database_path", lambda: source)
    for day in range(1, 4):
        fake_copy(usb, f"bmis-PAP-2020010{day}-120000.sqlite3")
    out = io.StringIO()
    with translation.override("en"):
        call_command("backup", str(usb), "--keep", "2", stdout=out)
    out = out.getvalue().splitlines()
    (copy,) = [p for p in backup.node_copies(usb, "PAP") if not p.name.startswith("bmis-PAP-2020")]
    assert out[0].startswith(f"Backed up to {copy} (")
    assert out[1] == "Removed 2 older copies of this node."
    assert len(backup.node_copies(usb, "PAP")) == 2


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--keep", "0"], "--keep needs a number of copies of at least 1."),
        (["--every", "6h"], "--keep and --every need a directory as the destination."),
    ],
)
def test_the_command_refuses_what_it_cannot_do(args, error, source, usb, monkeypatch):
    monkeypatch.setattr(backup, "database_path", lambda: source)
    with translation.override("en"), pytest.raises(CommandError, match=error):
        call_command("backup", str(usb / "one.sqlite3"), *args)


def test_the_service_stops_cleanly_on_sigterm(source, usb, tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "BMIS_ENV_FILE": "",
        "BMIS_ROLE": "post",
        "BMIS_POST": "PAP",
        "BMIS_VAR_DIR": str(tmp_path / "var"),
        "BMIS_LANGUAGE": "en",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "backup", str(usb), "--every", "6h", "--keep", "14"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not backup.node_copies(usb, "PAP") and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    lines = out.splitlines()
    assert lines[0] == f"Backing up to {usb} every 6h, until stopped."
    assert lines[1].startswith("Backed up to ")
    assert lines[-1] == "Backups stopped."
    recorded = json.loads((tmp_path / "var" / "backup-status.json").read_text())
    assert recorded["last_success"]["file"] == str(backup.node_copies(usb, "PAP")[0])
