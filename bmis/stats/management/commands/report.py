"""`manage.py report`: the monthly statistical report as a PDF, and the regional partners'
aggregate as Excel or CSV, from the command line (the same as from the dashboard)."""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from bmis.core import audit
from bmis.posts.models import Post
from bmis.stats import aggregate, exports
from bmis.stats.month import BadMonth, month_figures, parse_month, partners_table
from bmis.stats.report import monthly_pdf

LANGUAGES = [code for code, _name in settings.LANGUAGES]


class Command(BaseCommand):
    help = (
        "monthly: the monthly statistical report of a month (--month YYYY-MM) as a PDF, for the "
        "country or one post (--post CODE). partners: crossings by month, post, nationality "
        "and direction (--from, --to YYYY-MM) as .xlsx or .csv. Cells under 5 are suppressed."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["monthly", "partners"])
        parser.add_argument("--month", help="The report's month, YYYY-MM (monthly).")
        parser.add_argument("--from", dest="first", help="First month, YYYY-MM (partners).")
        parser.add_argument("--to", dest="last", help="Last month, YYYY-MM (partners).")
        parser.add_argument("--post", help="A post's code: its report alone (monthly).")
        parser.add_argument("--lang", default=settings.LANGUAGE_CODE, choices=LANGUAGES)
        parser.add_argument("--out", required=True, help="The file to write.")

    def handle(self, *args, kind: str, lang: str, out: str, **options):
        with translation.override(lang):
            body, details = self._made(kind, lang, out, options)
            path = Path(out)
            if not path.parent.is_dir():
                raise CommandError(_("The folder %(folder)s does not exist.") % {
                    "folder": path.parent})  # fmt: skip
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            with os.fdopen(handle, "wb") as file:  # whole, or not at all
                file.write(body)
            os.replace(temporary, path)
            with transaction.atomic():
                audit.record(actor=None, action="stats.report", details={**details, "file": out})
            self.stdout.write(_("Written: %(file)s (%(size)d bytes).") % {
                "file": out, "size": len(body)})  # fmt: skip

    def _made(self, kind: str, lang: str, out: str, options) -> tuple[bytes, dict]:
        aggregate.refresh()
        try:
            if kind == "monthly":
                if not options["month"]:
                    raise CommandError(_("Say which month: --month YYYY-MM."))
                month = parse_month(options["month"])
                post = options["post"]
                if post and not Post.objects.filter(code=post).exists():
                    raise CommandError(_("There is no post %(code)s.") % {"code": post})
                body = monthly_pdf(month_figures(month, post=post), lang=lang)
                return body, {"kind": kind, "month": options["month"], "post": post or ""}
            if not options["first"] or not options["last"]:
                raise CommandError(_("Say which months: --from YYYY-MM --to YYYY-MM."))
            first, last = parse_month(options["first"]), parse_month(options["last"])
        except BadMonth as bad:
            raise CommandError(str(bad)) from None
        if last < first:
            raise CommandError(_("The last month is before the first."))
        table = partners_table(first, last)
        if out.lower().endswith(".csv"):
            body = exports.as_csv(table)
        else:
            body = exports.as_xlsx([table], title=table.title)
        return body, {"kind": kind, "from": options["first"], "to": options["last"]}
