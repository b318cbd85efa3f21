"""Files built in the background (`models.Job`): the monthly report from the interface, and
exports too large to build within a request.

A job runs in a thread of the server process that took the request, once the request's
transaction has committed, with its own database connection; it writes how far it has got,
which the waiting page polls. A server that stops mid-job leaves it running with no progress:
after `STALE` without news it is shown as failed, and the user asks again.
"""

import threading
import time
import traceback
from collections.abc import Callable
from datetime import timedelta

from django.db import OperationalError, close_old_connections, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from uuid6 import uuid7

from bmis.stats.models import Job

STALE = timedelta(minutes=10)
KEPT = timedelta(days=1)  # a finished job's file, then purged
LOCKED_TRIES = 20
BUILDERS: dict[str, Callable] = {}  # kind -> builder(job, progress) -> (body, filename, type)


def builder(kind: str):
    """Register the function that builds the files of `kind`."""

    def register(function):
        BUILDERS[kind] = function
        return function

    return register


def start(*, kind: str, params: dict, user) -> Job:
    """Create the job and have it built once the caller's transaction commits."""
    Job.objects.filter(updated_at__lt=timezone.now() - KEPT).delete()
    job = Job.objects.create(
        id=uuid7(), kind=kind, params=params, user=user, language=translation.get_language()
    )
    transaction.on_commit(lambda: threading.Thread(target=run, args=(job.pk,), daemon=True).start())
    return job


def run(job_id) -> None:
    """Build the job's file, writing its progress; never raise (the page shows the failure)."""
    close_old_connections()
    try:
        job = Job.objects.get(pk=job_id)
        with translation.override(job.language):
            _update(job, state=Job.State.RUNNING, progress=1, step=_("Starting"))

            def progress(fraction: float, step: str) -> None:
                _update(job, progress=max(1, min(99, round(100 * fraction))), step=step)

            body, filename, content_type = BUILDERS[job.kind](job, progress)
            _update(job, state=Job.State.DONE, progress=100, step=_("Ready"), body=body,
                    filename=filename, content_type=content_type)  # fmt: skip
    except Exception as exc:  # any failure is the job's, told on its page
        traceback.print_exc()
        Job.objects.filter(pk=job_id).update(
            state=Job.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
            updated_at=timezone.now(),
        )  # fmt: skip
    finally:
        connection.close()


def _update(job: Job, **values) -> None:
    """Save the job's progress. SQLite in shared-cache mode (the tests' in-memory database)
    refuses a write while the waiting page reads the table: tried again a few times."""
    for name, value in values.items():
        setattr(job, name, value)
    for attempt in range(LOCKED_TRIES):
        try:
            job.save(update_fields=[*values, "updated_at"])
            return
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == LOCKED_TRIES - 1:
                raise
            time.sleep(0.02 * (attempt + 1))


def state_of(job: Job) -> str:
    """The job's state as shown: a running job without news for `STALE` has failed."""
    running = job.state in (Job.State.WAITING, Job.State.RUNNING)
    if running and job.updated_at < timezone.now() - STALE:
        return Job.State.FAILED
    return job.state
