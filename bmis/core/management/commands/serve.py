"""Serve this node with gunicorn, a production WSGI server, after checking it can serve."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication


class NodeServer(BaseApplication):
    def __init__(self, application, options: dict):
        self.application, self.options = application, options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


class Command(BaseCommand):
    help = "Serve this node (post or headquarters) with gunicorn and its static files."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("BMIS_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("BMIS_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("BMIS_WORKERS", "3")))

    def handle(self, *args, host, port, workers, **options):
        call_command("check", databases=["default"])
        executor = MigrationExecutor(connection)
        if not executor.loader.applied_migrations:
            raise CommandError(
                f"The database {settings.DATABASES['default']['NAME']} is empty. If this node had "
                "data, restore its var/ directory (or database) from a backup; for a new node, "
                "run `manage.py migrate`."
            )
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database has unapplied migrations: run `manage.py migrate`.")
        if not settings.DEBUG and not (settings.STATIC_ROOT / "staticfiles.json").exists():
            raise CommandError("Static files are not collected: run `manage.py collectstatic`.")
        connection.close()  # each worker opens its own
        from config.wsgi import application

        self.stdout.write(
            f"OpenBMIS {settings.VERSION} ({settings.BMIS_NODE}) on http://{host}:{port}"
        )
        NodeServer(
            application,
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "timeout": 60,
                "graceful_timeout": 20,
                "accesslog": "-",
                "errorlog": "-",
                "forwarded_allow_ips": ",".join(sorted(settings.BMIS_TRUSTED_PROXIES)),
            },
        ).run()
