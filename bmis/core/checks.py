"""System checks run before a node serves (`manage.py check`, `serve`, `migrate`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError, connection


@register(Tags.database)
def check_database(app_configs, **kwargs):
    """Refuse to serve from a database file that is not a database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA quick_check(1)")
                result = cursor.fetchone()[0]
                if result != "ok":
                    return [Error(f"The SQLite database is damaged: {result}", id="bmis.E002")]
    except DatabaseError as exc:
        return [
            Error(
                f"The database cannot be used: {exc}",
                hint="Check DATABASE_URL; for SQLite, restore var/bmis.sqlite3 from a backup.",
                id="bmis.E001",
            )
        ]
    return []


@register()
def check_role(app_configs, **kwargs):
    issues = []
    if settings.BMIS_ROLE == "hq" and connection.vendor == "sqlite":
        issues.append(
            Warning(
                "Headquarters is running on SQLite.",
                hint="Set DATABASE_URL to a PostgreSQL database for headquarters.",
                id="bmis.W001",
            )
        )
    return issues
