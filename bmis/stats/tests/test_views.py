"""The dashboard: who sees what, filters that narrow, clear refusals, exports."""

import csv
import io

import pytest
from openpyxl import load_workbook

from bmis.core.models import AuditEvent
from bmis.crossings.models import Crossing
from bmis.stats import queries
from bmis.stats.queries import Filters
from bmis.stats.tests.conftest import END, counted_traffic

# Committed: on PostgreSQL the change log is read only below the oldest running transaction.
pytestmark = pytest.mark.django_db(transaction=True)
PERIOD = {"start": "2025-07-01", "end": "2025-09-30", "grain": "month"}


@pytest.fixture
def traffic(pap):
    counted_traffic(300, seed=3)


def page(client, user, **params):
    if user.language != "en":  # the page speaks the user's language
        user.language = "en"
        user.save(update_fields=["language"])
    client.force_login(user)
    return client.get("/stats/", params, headers={"Accept-Language": "en"})


def test_an_analyst_sees_the_countrys_figures_and_every_breakdown(client, analyst, traffic):
    answer = page(client, analyst, **PERIOD)
    assert answer.status_code == 200
    whole = queries.totals(Filters(start=END.date().replace(month=7, day=1), end=END.date()))
    assert answer.context["totals"] == whole and whole["crossings"] > 0
    names = [section["by"] for section in answer.context["sections"]]
    assert names[:2] == ["post", "post_kind"] and "nationality" in names
    html = answer.content.decode()
    assert html.count("<svg") >= len(names)  # a chart for each, with its table
    assert html.count("<table") >= len(names)


def test_a_row_narrows_the_figures_to_its_value(client, analyst, traffic):
    answer = page(client, analyst, **PERIOD)
    nationality = next(s for s in answer.context["sections"] if s["by"] == "nationality")
    top = nationality["rows"][0]
    narrowed = client.get("/stats/" + top["narrow"], headers={"Accept-Language": "en"})
    assert narrowed.context["totals"]["crossings"] == top["crossings"]
    assert narrowed.context["chosen"][0]["label"] == top["label"]


def test_a_post_chief_sees_their_post_only(client, chief, oua, traffic):
    answer = page(client, chief, post=oua.code, **PERIOD)  # another post asked for: ignored
    assert answer.status_code == 200
    assert answer.context["filters"].post == (chief.post.code,)
    assert "post" not in [section["by"] for section in answer.context["sections"]]
    ours = Crossing.objects.filter(post=chief.post, at__date__gte="2025-07-01")
    assert answer.context["totals"]["crossings"] <= ours.count() + 5


def test_an_officer_is_refused(client, officer):
    assert page(client, officer).status_code == 403


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2025-09-30", "end": "2025-09-01"}, "The end of the period is before its start"),
        ({"start": "2025-02-30"}, "Enter a real date"),
        ({"start": "1990-01-01", "end": "2025-01-01"}, "twenty years at most"),
    ],
)
def test_an_impossible_period_is_refused_clearly(client, analyst, params, message):
    answer = page(client, analyst, **params)
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert "totals" not in answer.context


def test_filters_with_no_data_show_an_empty_state(client, analyst, traffic):
    answer = page(client, analyst, nationality="ATA", **PERIOD)
    assert answer.context["empty"]
    assert "No crossing matches these filters" in answer.content.decode()


def test_a_table_exports_as_csv_and_excel_and_is_audited(client, analyst, traffic):
    answer = page(client, analyst, export="csv", table="by_nationality", **PERIOD)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["Nationality", "Entries", "Exits", "Crossings"]
    assert rows[-1][0] == "Total"
    assert sum(int(row[3]) for row in rows[1:-1]) == int(rows[-1][3])
    workbook = page(client, analyst, export="xlsx", table="all", **PERIOD)
    sheets = load_workbook(io.BytesIO(workbook.content)).sheetnames
    assert len(sheets) >= 10
    events = AuditEvent.objects.filter(action="stats.export")
    assert events.count() == 2 and events.first().actor == analyst
    assert page(client, analyst, export="csv", table="nothing", **PERIOD).status_code == 404


def test_hits_are_counted_by_list_for_the_period_and_post(client, analyst, traffic):
    import uuid

    from bmis.watchlist.models import RetroHit, WatchList

    listed = WatchList.objects.create(code="SLTD-T", name="Lost and stolen (test)", kind="document",
                                      owner="HQ", action="refer")  # fmt: skip
    crossings = list(Crossing.objects.filter(at__date__gte="2025-07-02").order_by("at")[:3])
    for crossing in crossings:
        RetroHit.objects.create(
            crossing=crossing, watchlist=listed, list_version=1, entry_id=uuid.uuid4(),
            kind="document", score=1.0, message="t",
        )  # fmt: skip
    answer = page(client, analyst, **PERIOD)
    assert answer.context["hits"].rows == [{
        "value": str(listed.pk), "label": "Lost and stolen (test)", "at_counter": 0,
        "found_later": 3, "hits": 3,
    }]  # fmt: skip
    other = {c.post.code for c in crossings}
    elsewhere = next(p for p in ["PAP", "OUA", "MAL", "CAP", "JAC"] if p not in other)
    assert page(client, analyst, post=elsewhere, **PERIOD).context["hits"].rows == []
