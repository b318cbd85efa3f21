from django.db import migrations


def recount(apps, schema_editor):
    """A smaller shape of cells (post, direction, decision): count every crossing again."""
    for name in ("DayFlow", "MonthFlow", "Cursor"):
        apps.get_model("stats", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0002_shapes")]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
