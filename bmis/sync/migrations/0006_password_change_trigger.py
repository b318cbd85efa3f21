"""The change log's triggers on officers' password changes at posts (accounts.PasswordChange)."""

from django.db import migrations

from bmis.sync import triggers


class Migration(migrations.Migration):
    dependencies = [("sync", "0005_attachment"), ("accounts", "0002_password_change")]

    operations = [triggers.operation({"accounts_passwordchange": ("id", True)})]
