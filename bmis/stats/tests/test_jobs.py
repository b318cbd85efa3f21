"""Files built in the background: the monthly report asked for from the interface, a large
export; their progress, their download, and who may have them."""

import io
import time
from datetime import timedelta

import pypdfium2
import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bmis.core.models import AuditEvent
from bmis.stats import jobs
from bmis.stats.models import Job
from bmis.stats.tests.conftest import counted_traffic

# Committed: the job runs in a thread, with a connection of its own.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def traffic(pap):
    counted_traffic(200, seed=4)


def signed_in(client, user):
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def finished(client, url) -> str:
    """Poll the job's page as the browser does, until it says the file is ready or failed."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        html = client.get(url, headers={"HX-Request": "true"}).content.decode()
        if "hx-get" not in html:
            return html
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def test_the_monthly_report_is_built_in_the_background_and_downloaded(client, analyst, traffic):
    client = signed_in(client, analyst)
    form = client.get("/stats/reports/")
    assert form.status_code == 200
    answer = client.post("/stats/reports/", {"month": "2025-09", "language": "fr", "post": ""})
    assert answer.status_code == 302
    page = client.get(answer["Location"])
    assert "<progress" in page.content.decode() or "ready" in page.content.decode()
    html = finished(client, answer["Location"])
    assert "The file is ready." in html
    job = Job.objects.get()
    assert job.state == Job.State.DONE and job.progress == 100 and job.language == "fr"
    download = client.get(f"/stats/jobs/{job.pk}/file/")
    assert download["Content-Type"] == "application/pdf"
    assert "monthly-report-2025-09-haiti-fr.pdf" in download["Content-Disposition"]
    assert len(pypdfium2.PdfDocument(download.content)) > 1
    assert AuditEvent.objects.filter(action="stats.download", actor=analyst).exists()


def test_someone_elses_job_is_not_found(client, analyst, admin_user, traffic):
    job = Job.objects.create(id=jobs.uuid7(), kind="monthly", params={}, user=admin_user,
                             language="en")  # fmt: skip
    client = signed_in(client, analyst)
    assert client.get(f"/stats/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/stats/jobs/{job.pk}/file/").status_code == 404


@pytest.mark.parametrize(
    ("month", "message"),
    [("2025-13", "is not a month"), ("2999-01", "has not begun yet"), ("", "required")],
)
def test_a_month_that_does_not_exist_is_refused(client, analyst, traffic, month, message):
    client = signed_in(client, analyst)
    answer = client.post("/stats/reports/", {"month": month, "language": "en"})
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert not Job.objects.exists()


def test_an_export_too_large_for_a_request_is_built_in_the_background(
    client, analyst, traffic, settings
):
    settings.BMIS_STATS_EXPORT_ROWS = 10
    client = signed_in(client, analyst)
    params = {"start": "2025-06-01", "end": "2025-09-30", "grain": "day", "export": "xlsx",
              "table": "by_day"}  # fmt: skip
    answer = client.get("/stats/", params)
    assert answer.status_code == 302 and "/stats/jobs/" in answer["Location"]
    assert "The file is ready." in finished(client, answer["Location"])
    job = Job.objects.get()
    sheet = load_workbook(io.BytesIO(bytes(job.body))).worksheets[-1]
    assert sheet.max_row > 120  # a row a day, and more


def test_a_job_without_news_is_shown_as_failed(analyst):
    job = Job.objects.create(id=jobs.uuid7(), kind="monthly", params={}, user=analyst,
                             language="en", state=Job.State.RUNNING)  # fmt: skip
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert jobs.state_of(Job.objects.get(pk=job.pk)) == Job.State.FAILED
