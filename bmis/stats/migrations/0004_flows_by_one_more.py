from django.db import migrations


def recount(apps, schema_editor):
    """Shapes of the flows with one more dimension (sex, age, purpose, …): count every crossing
    again."""
    for name in ("DayFlow", "MonthFlow", "Cursor"):
        apps.get_model("stats", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_flows_shape")]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
