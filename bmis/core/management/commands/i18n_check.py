"""Check that every interface string is translated into French, Haitian Creole and Spanish.

The strings are extracted afresh (with Django's makemessages, in a scratch copy of the source so
that the working tree is not touched) and merged with our catalogues; any message that is then
missing, empty or fuzzy fails the check, and so does a translation whose named placeholders
differ from its message id's.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

LANGUAGES = ("fr", "ht", "es")
SOURCES = ("manage.py", "config", "bmis", "domain", "templates", "locale")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


class Command(BaseCommand):
    help = "Fail on any interface string left untranslated in fr, ht or es."

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        with tempfile.TemporaryDirectory() as scratch:
            work = Path(scratch) / "src"
            work.mkdir()
            ignore = shutil.ignore_patterns("__pycache__", "*.mo", "*.pyc")
            for name in SOURCES:
                source = base / name
                if source.is_dir():
                    shutil.copytree(source, work / name, ignore=ignore)
                elif source.exists():
                    shutil.copy2(source, work / name)
            env = {
                **os.environ,
                "BMIS_VAR_DIR": str(Path(scratch) / "var"),
                "BMIS_ROLE": "post",
                "BMIS_POST": "CHECK",
                "DATABASE_URL": f"sqlite:///{Path(scratch) / 'check.sqlite3'}",
            }
            command = [
                sys.executable,
                "manage.py",
                "makemessages",
                "--no-obsolete",
                "-e",
                "html,py,txt",
            ]
            for lang in LANGUAGES:
                command += ["-l", lang]
            result = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise CommandError(f"makemessages failed:\n{result.stderr}")
            problems = []
            for lang in LANGUAGES:
                po = polib.pofile(str(work / "locale" / lang / "LC_MESSAGES" / "django.po"))
                problems += [
                    self._describe(lang, entry, "untranslated")
                    for entry in po.untranslated_entries()
                ]
                problems += [self._describe(lang, entry, "fuzzy") for entry in po.fuzzy_entries()]
                for entry in po.translated_entries():
                    for translated in [entry.msgstr, *entry.msgstr_plural.values()]:
                        if translated and _placeholders(translated) != _placeholders(entry.msgid):
                            problems.append(self._describe(lang, entry, "placeholders differ"))
                            break
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(problems)} translation problem(s). Run `make messages`, translate "
                "locale/{fr,ht,es}/LC_MESSAGES/django.po and run this check again."
            )
        self.stdout.write(self.style.SUCCESS("Every message is translated in fr, ht and es."))

    @staticmethod
    def _describe(lang: str, entry: polib.POEntry, what: str) -> str:
        where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
        context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
        return f"{lang}: {what}: {context}{entry.msgid!r} ({where})"
