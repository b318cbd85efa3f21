"""The statistics in the browser, at headquarters: an analyst opens the dashboard, filters it to
one post and one nationality, exports a table, and builds the monthly report, whose pages are
checked as images."""

import csv
import io
from datetime import timedelta

import pypdfium2
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from bmis.crossings.models import Crossing
from bmis.crossings.traffic import generate
from bmis.stats import aggregate, queries
from bmis.stats.queries import Filters
from bmis.sync.tests.conftest import settled
from tests.e2e.test_accessibility import WCAG, report
from tests.e2e.test_counter import fr, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def traffic(demo, settings):
    settings.BMIS_ROLE, settings.BMIS_POST, settings.BMIS_NODE = "hq", "", "HQ"
    generate(crossings=600, seed=21, end=timezone.now())
    settled()
    aggregate.refresh()
    return demo


def busiest(start, end) -> tuple[str, str]:
    """The post and nationality with the most crossings in the period."""
    filters = Filters(start=start, end=end)
    post = queries.breakdown(filters, "post")[0]["value"]
    nationality = queries.breakdown(filters.narrowed(post=(post,)), "nationality")[0]["value"]
    return post, nationality


def test_an_analyst_filters_the_dashboard_exports_a_table_and_builds_the_report(
    page, live_server, traffic, tmp_path
):
    assert Crossing.objects.exists()
    sign_in(page, live_server.url, "analyst", traffic)
    page.goto(f"{live_server.url}/stats/")
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Migration statistics"))
    figures = page.locator("#figures")
    expect(figures.get_by_role("heading", name=fr("By nationality"))).to_be_visible()
    assert page.locator("#figures svg").count() >= 10  # a chart beside each table
    violations = Axe().run(page, options=WCAG).response["violations"]
    assert not violations, report(violations)

    end = timezone.localdate()
    post, nationality = busiest(end - timedelta(days=29), end)
    page.select_option("#id_post", post)
    expect(figures.locator(".chip")).to_have_count(1)
    page.select_option("#id_nationality", nationality)
    expect(figures.locator(".chip")).to_have_count(2)
    expected = queries.totals(
        Filters(start=end - timedelta(days=29), end=end, post=(post,), nationality=(nationality,))
    )
    entries = figures.locator(".stats-totals > div").first.locator("dd").first
    expect(entries).to_have_text(str(expected["entries"]))
    assert f"post={post}" in page.url and f"nationality={nationality}" in page.url

    # A bar of a chart narrows as its table's row does.
    page.locator("#by_sex svg a").first.dispatch_event("click")
    expect(figures.locator(".chip")).to_have_count(3)
    page.go_back()
    expect(figures.locator(".chip")).to_have_count(2)

    section = figures.locator("#by_purpose")
    with page.expect_download() as download:
        section.get_by_role("link", name=fr("CSV")).click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
    assert rows[-1][0] == fr("Total")
    assert int(rows[-1][3]) == expected["crossings"]

    page.goto(f"{live_server.url}/stats/reports/")
    month = (end.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    page.fill("#id_month", month)
    page.select_option("#id_language", "fr")
    page.get_by_role("button", name=fr("Build the report")).click()
    link = page.get_by_role("link", name=fr("Download %(name)s").split("%")[0].strip())
    expect(link).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        link.click()
    pdf = pypdfium2.PdfDocument(str(download.value.path()))
    assert len(pdf) > 1
    for number, sheet in enumerate(pdf, start=1):
        image = sheet.render(scale=1).to_pil()
        image.save(tmp_path / f"page-{number}.png")
        assert abs(image.width / image.height - 210 / 297) < 0.01  # A4, upright
        assert image.convert("L").getextrema()[0] < 100, f"page {number} is blank"
    page.goto("about:blank")  # nothing left polling the live server when the test ends
