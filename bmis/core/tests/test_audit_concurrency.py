"""The chain holds with several writers at once: threads on PostgreSQL, processes on SQLite."""

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import close_old_connections, connection

from bmis.core import audit
from bmis.core.models import AuditEvent

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_keep_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("threads share one in-memory SQLite connection; see the process test below")
    errors = []

    def write(n):
        try:
            for i in range(n):
                audit.record(actor=None, action="test.concurrent", details={"i": i})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(25,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.count() == 150
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 151))
    assert audit.verify() == []


def test_concurrent_processes_on_sqlite_keep_one_chain(tmp_path):
    """Gunicorn's workers are processes writing one SQLite file: they must queue, not fork."""
    env = {
        "PATH": "/usr/bin:/bin",
        "BMIS_ENV_FILE": "",
        "BMIS_ROLE": "post",
        "BMIS_POST": "PAP",
        "BMIS_VAR_DIR": str(tmp_path / "var"),
        "HOME": str(tmp_path),
    }

    def manage(*args):
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    assert manage("migrate", "--noinput").wait(timeout=120) == 0
    script = (
        "from bmis.core import audit\n"
        "for i in range(40): audit.record(actor=None, action='test.concurrent', details={'i': i})"
    )
    writers = [manage("shell", "-c", script) for _ in range(4)]
    for writer in writers:
        _out, err = writer.communicate(timeout=180)
        assert writer.returncode == 0, err
    check = manage("audit_verify")
    out, err = check.communicate(timeout=60)
    assert check.returncode == 0, err
    assert "160" in out
