"""Install the built-in timeline templates (data in calendars/builtin_templates.py)."""

from django.db import migrations

from calendars.builtin_templates import TEMPLATES, install


def create(apps, schema_editor):
    install(apps.get_model("calendars", "TimelineTemplate"),
            apps.get_model("calendars", "TimelineStep"))


def remove(apps, schema_editor):
    apps.get_model("calendars", "TimelineTemplate").objects.filter(
        partnership__isnull=True, name__in=[t["name"] for t in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
