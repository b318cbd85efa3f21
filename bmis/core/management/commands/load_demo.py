"""`manage.py load_demo`: counters and one user per role, to try OpenBMIS out.

Safe to run again: what exists is kept as it is (no password is ever reset), and only what is
missing is created. It needs the posts that `load_reference` loads.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bmis.accounts.models import User
from bmis.accounts.roles import Role
from bmis.accounts.services import user_create
from bmis.posts.models import Counter, Post
from bmis.posts.services import counter_create
from bmis.watchlist import services as watchlist_services
from bmis.watchlist.models import WatchList

DEFAULT_PASSWORD = "openbmis-demo"

# (post, code, name)
COUNTERS = [
    ("PAP", "A1", "Arrivées 1"),
    ("PAP", "A2", "Arrivées 2"),
    ("PAP", "A3", "Arrivées 3"),
    ("PAP", "D1", "Départs 1"),
    ("PAP", "D2", "Départs 2"),
    ("OUA", "1", "Guichet 1"),
    ("OUA", "2", "Guichet 2"),
]

# (username, role, post, first name, last name)
USERS = [
    ("officer", Role.OFFICER, "PAP", "Marie-Claude", "Joseph"),
    ("supervisor", Role.SUPERVISOR, "PAP", "Jean-Robert", "Pierre-Louis"),
    ("chief", Role.POST_CHIEF, "PAP", "Guerline", "Étienne"),
    ("analyst", Role.ANALYST, None, "Wilner", "Dorvil"),
    ("watchlist", Role.WATCHLIST_MANAGER, None, "Nadège", "Célestin"),
    ("admin", Role.ADMIN, None, "Frantz", "Augustin"),
]


# Fictitious entries: scan the ICAO specimen passport (ERIKSSON, L898902C3) to see a document hit.
DEMO_LISTS = [
    (
        "DEMO-WANTED",
        {
            "name": "Personnes recherchées (démonstration, fictif)",
            "kind": "persons",
            "owner": "Démonstration OpenBMIS",
            "action": "refer",
            "priority": "high",
            "threshold": 0.9,
        },
        [
            {
                "source_ref": "DEMO-P-1",
                "names": ["Wilfrid Saint-Fleur"],
                "aliases": ["Ti Wil"],
                "birth_dates": ["1969-02-03"],
                "nationalities": ["HTI"],
                "sex": "M",
            },
        ],
    ),
    (
        "DEMO-SLTD",
        {
            "name": "Documents perdus ou volés (démonstration, fictif)",
            "kind": "documents",
            "owner": "Démonstration OpenBMIS",
            "action": "seize",
            "priority": "normal",
            "threshold": 0.9,
        },
        [{"source_ref": "", "number": "L898902C3", "issuing_state": "UTO", "status": "stolen"}],
    ),
]


class Command(BaseCommand):
    help = (
        "Create demo counters at PAP and OUA, one demo user per role (language French) and two "
        "small alert lists of fictitious entries. "
        "Run load_reference first. Existing counters and users are kept as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of the users created now (default: {DEFAULT_PASSWORD}).",
        )

    def handle(self, *args, password: str, **options):
        needed = {post for post, _code, _name in COUNTERS} | {row[2] for row in USERS if row[2]}
        posts = Post.objects.in_bulk(needed, field_name="code")
        missing = sorted(needed - set(posts))
        if missing:
            raise CommandError(
                f"The posts {', '.join(missing)} are missing: run "
                "`python manage.py load_reference` first."
            )
        try:
            with transaction.atomic():
                counters = self._counters(posts)
                rows = self._users(posts, password)
                lists = self._lists()
        except ValidationError as exc:
            raise CommandError(f"Nothing was created: {'; '.join(exc.messages)}") from None
        if options["verbosity"] >= 1:
            self.stdout.write(f"Counters created: {counters}. Demo alert lists created: {lists}.")
            self._print(rows, password)

    def _counters(self, posts: dict[str, Post]) -> int:
        created = 0
        for post_code, code, name in COUNTERS:
            post = posts[post_code]
            if not Counter.objects.filter(post=post, code=code).exists():
                counter_create(actor=None, post=post, code=code, name=name)
                created += 1
        return created

    def _lists(self) -> int:
        """Create two small alert lists of fictitious entries, so that screening can be seen."""
        created = 0
        for code, values, entries in DEMO_LISTS:
            if WatchList.objects.filter(code=code).exists():
                continue
            watchlist = watchlist_services.watchlist_save(actor=None, code=code, **values)
            for entry in entries:
                make = (
                    watchlist_services.person_entry
                    if values["kind"] == "persons"
                    else watchlist_services.document_entry
                )
                watchlist_services.entry_save(actor=None, watchlist=watchlist, entry=make(**entry))
            created += 1
        return created

    def _users(self, posts: dict[str, Post], password: str) -> list[tuple[User, bool]]:
        rows = []
        for username, role, post_code, first_name, last_name in USERS:
            user = User.objects.filter(username=username).first()
            created = user is None
            if created:
                user = user_create(
                    actor=None,
                    username=username,
                    password=password,
                    role=role,
                    post=posts[post_code] if post_code else None,
                    first_name=first_name,
                    last_name=last_name,
                    language="fr",
                    must_change_password=False,
                )
            rows.append((user, created))
        return rows

    def _print(self, rows: list[tuple[User, bool]], password: str) -> None:
        header = ("username", "role", "post", "name", "password")
        table = [header]
        for user, created in rows:
            table.append(
                (
                    user.username,
                    user.role,
                    user.post.code if user.post else "-",
                    user.get_full_name(),
                    password if created else "(unchanged)",
                )
            )
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        for row in table:
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            )
