"""A node refuses a wrong configuration, naming the variable (checked with real processes)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, env=None, tmp_path):
    base = {
        "PATH": os.environ["PATH"],
        "BMIS_ROLE": "post",
        "BMIS_POST": "PAP",
        "BMIS_VAR_DIR": str(tmp_path / "var"),
        "HOME": str(tmp_path),
        "BMIS_ENV_FILE": "",
    }
    base.update(env or {})
    base = {k: v for k, v in base.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BMIS_ROLE": "border"}, "BMIS_ROLE='border' is not a role"),
        ({"BMIS_POST": None}, "BMIS_POST is not set"),
        ({"BMIS_POST": "pap post"}, "BMIS_POST='PAP POST' is not a post code"),
        ({"BMIS_POST": "HQ"}, "BMIS_POST='HQ' is not a post code"),
        ({"BMIS_ROLE": "hq"}, "BMIS_POST is set but BMIS_ROLE is 'hq'"),
        ({"DATABASE_URL": "mysql://root@localhost/bmis"}, "DATABASE_URL uses"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a yes/no value"),
        ({"BMIS_LANGUAGE": "de"}, "BMIS_LANGUAGE='de' is not offered"),
        ({"BMIS_SESSION_IDLE_MINUTES": "soon"}, "BMIS_SESSION_IDLE_MINUTES='soon'"),
        ({"BMIS_TIME_ZONE": "Mars/Olympus"}, "BMIS_TIME_ZONE='Mars/Olympus'"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too short"),
    ],
)
def test_it_refuses_to_start_naming_the_wrong_variable(tmp_path, env, message):
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("OpenBMIS cannot start: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_it_makes_a_secret_key_on_first_run_and_keeps_it(tmp_path):
    assert manage("check", tmp_path=tmp_path).returncode == 0
    key_file = tmp_path / "var" / "secret_key"
    first = key_file.read_text()
    assert len(first.strip()) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert manage("check", tmp_path=tmp_path).returncode == 0
    assert key_file.read_text() == first


def test_it_refuses_a_corrupt_secret_key_file(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret_key").write_bytes(b"\x00\x01")
    result = manage("check", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "secret_key is corrupt" in result.stderr


def test_it_refuses_a_var_directory_that_is_a_file(tmp_path):
    (tmp_path / "var").write_text("not a directory")
    result = manage("check", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "BMIS_VAR_DIR=" in result.stderr
    assert "is not a directory" in result.stderr


def test_it_reports_a_corrupt_database_file(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "bmis.sqlite3").write_bytes(b"this is not a database" * 100)
    result = manage("check", "--database", "default", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "OpenBMIS cannot use its database" in result.stderr
    assert "file is not a database" in result.stderr
    assert "restore the file from a backup" in result.stderr
    assert "Traceback" not in result.stderr


def test_sqlite_runs_in_wal_mode_and_audit_verify_fails_as_a_process(tmp_path):
    assert manage("migrate", "--noinput", tmp_path=tmp_path).returncode == 0
    created = manage(
        "shell",
        "-c",
        "from bmis.core import audit\n"
        "for i in range(3): audit.record(actor=None, action='test.event')",
        tmp_path=tmp_path,
    )
    assert created.returncode == 0, created.stderr
    database = tmp_path / "var" / "bmis.sqlite3"
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert manage("audit_verify", tmp_path=tmp_path).returncode == 0
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM core_auditevent WHERE seq = 2")
    result = manage("audit_verify", tmp_path=tmp_path)
    assert result.returncode == 1
    # The node speaks its default language (French) on the command line too.
    assert "ROMPU : nœud PAP, l’événement #2 manque : il a été supprimé." in result.stderr
    assert "La piste d’audit est rompue sur 1 nœud." in result.stderr


def test_backup_copies_a_serving_database_and_refuses_to_overwrite(tmp_path):
    assert manage("migrate", "--noinput", tmp_path=tmp_path).returncode == 0
    out = tmp_path / "usb"
    out.mkdir()
    result = manage("backup", str(out), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    (copy,) = out.glob("bmis-PAP-*.sqlite3")
    with sqlite3.connect(copy) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "core_auditevent" in tables
    again = manage("backup", str(copy), tmp_path=tmp_path)
    assert again.returncode == 1
    assert "existe déjà : choisissez un autre nom." in again.stderr  # in French, the default


def test_serve_starts_gunicorn_and_answers_healthz(tmp_path):
    """The production server starts from the command, serves its node, and stops on SIGTERM."""
    import json
    import signal
    import socket
    import time
    import urllib.request

    assert manage("migrate", "--noinput", tmp_path=tmp_path).returncode == 0
    assert manage("collectstatic", "--noinput", "-v0", tmp_path=tmp_path).returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "PATH": os.environ["PATH"],
        "BMIS_ENV_FILE": "",
        "BMIS_ROLE": "post",
        "BMIS_POST": "PAP",
        "BMIS_VAR_DIR": str(tmp_path / "var"),
        "BMIS_TRUSTED_PROXIES": "127.0.0.1",
        "HOME": str(tmp_path),
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "the server did not answer"
        assert (body["status"], body["post"]) == ("ok", "PAP")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as r:
            page = r.read().decode()
        css = page.split('href="/static/css/')[1].split('"')[0]
        assert css.startswith("bmis.") and css.endswith(".css")  # hashed by the manifest
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/{css}", timeout=5) as r:
            assert r.status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def test_serve_refuses_an_empty_database_pointing_to_the_backup(tmp_path):
    """A missing var/ directory comes back empty: the node must not serve as if nothing was lost."""
    result = manage("serve", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "is empty. If this node had data, restore its var/ directory" in result.stderr
