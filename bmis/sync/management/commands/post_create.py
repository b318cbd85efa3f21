"""`manage.py post_create CODE --name … --type TYPE`: a post, and the code that enrols its node."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bmis.posts.models import PostType
from bmis.posts.services import post_upsert
from bmis.sync.services import node_code_issue


class Command(BaseCommand):
    help = (
        "At headquarters: create a post (or bring its facts up to date) and print a one-time code "
        "that makes a machine its node (`manage.py node_enrol`). For an existing post, the code "
        "rebuilds its node on a new machine."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="The post's code: 2 to 10 letters or digits.")
        parser.add_argument("--name", help="The post's name (required for a new post).")
        parser.add_argument("--type", dest="kind", choices=PostType.values)
        parser.add_argument("--department", default="")
        parser.add_argument("--locality", default="")
        parser.add_argument("--iata", default="")
        parser.add_argument("--facing", default="")

    def handle(self, *args, code: str, name, kind, **options):
        from bmis.posts.models import Post

        if settings.BMIS_ROLE != "hq":
            raise CommandError(_("Posts are created at headquarters (BMIS_ROLE=hq)."))
        code = code.strip().upper()
        post = Post.objects.filter(code=code).first()
        if post is None or name or kind:
            if not name or not kind:
                raise CommandError(_("A new post needs --name and --type."))
            try:
                post, _outcome = post_upsert(
                    actor=None,
                    code=code,
                    name=name,
                    kind=kind,
                    department=options["department"],
                    locality=options["locality"],
                    facing=options["facing"],
                    iata=options["iata"],
                )
            except ValidationError as exc:
                messages = "; ".join(
                    f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()
                )
                raise CommandError(messages) from None
        enrolment = node_code_issue(actor=None, post=post)
        self.stdout.write(
            _("Post %(post)s. Enrolment code (one use, %(days)s days): %(code)s")
            % {"post": post.code, "days": settings.BMIS_ENROLMENT_DAYS, "code": enrolment}
        )
