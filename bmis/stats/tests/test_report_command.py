"""`manage.py report`: the monthly PDF and the partners' aggregate, and clear refusals."""

import csv
import io

import pypdfium2
import pytest
from django.core.management import CommandError, call_command

from bmis.core.models import AuditEvent
from bmis.stats.tests.conftest import counted_traffic

# Committed: on PostgreSQL the change log is read only below the oldest running transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def traffic(db):
    counted_traffic(400, seed=9)


def report(*args, **options):
    out = io.StringIO()
    call_command("report", *args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["fr", "ht", "en", "es"])
def test_the_monthly_report_is_a_pdf_whose_pages_render(traffic, tmp_path, lang):
    out = tmp_path / f"2025-09-{lang}.pdf"
    assert "2025-09" in report("monthly", month="2025-09", lang=lang, out=str(out))
    pdf = pypdfium2.PdfDocument(str(out))
    assert len(pdf) > 1
    texts = []
    for page in pdf:
        image = page.render(scale=0.5).to_pil()
        assert image.convert("L").getextrema()[0] < 128  # something is printed on it
        texts.append(page.get_textpage().get_text_range())
    text = "\n".join(texts)
    month = {"fr": "septembre", "ht": "2025", "en": "september", "es": "septiembre"}[lang]
    assert month in text.lower()
    assert AuditEvent.objects.filter(action="stats.report").count() == 1


def test_a_posts_report_and_the_partners_aggregate(traffic, tmp_path):
    report("monthly", month="2025-08", post="PAP", lang="en", out=str(tmp_path / "pap.pdf"))
    assert len(pypdfium2.PdfDocument(str(tmp_path / "pap.pdf"))) >= 1
    report("partners", first="2025-07", last="2025-09", lang="en", out=str(tmp_path / "p.csv"))
    rows = list(csv.reader(io.StringIO((tmp_path / "p.csv").read_text("utf-8-sig"))))
    assert rows[0][:3] == ["Month", "Post", "Nationality"]
    cells = [cell for row in rows[1:-1] for cell in row[3:]]
    assert "<5" in cells  # small counts withheld
    assert all(cell == "<5" or cell == "0" or int(cell) >= 5 for cell in cells)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"month": "2025-13"}, "is not a month"),
        ({"month": "septembre"}, "is not a month"),
        ({}, "Say which month"),
        ({"month": "2025-09", "post": "NOPE"}, "There is no post NOPE"),
    ],
)
def test_a_bad_month_or_post_is_refused_clearly(db, tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        report("monthly", lang="en", out=str(tmp_path / "x.pdf"), **options)
    assert not (tmp_path / "x.pdf").exists()
