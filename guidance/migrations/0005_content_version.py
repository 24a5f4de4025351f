"""The content version, held by the database: one row, bumped by a trigger on every content table
in the same transaction as the change (see guidance.publishing.triggers)."""

from django.db import migrations, models
from django.db.models import Max
from django.utils import timezone

from guidance.publishing import triggers as content_triggers

TABLES = [
    "guidance_milestone",
    "guidance_enrollmentoption",
    "guidance_enrollmentoption_requirements",
    "guidance_requirement",
    "guidance_selfservice",
]


def first_version(apps, schema_editor):
    """Version 1, stamped with the latest change so far (or now, for an empty database)."""
    stamps = [
        apps.get_model("guidance", name).objects.aggregate(last=Max("updated_at"))["last"]
        for name in ("Milestone", "EnrollmentOption", "Requirement", "SelfService")
    ]
    changed_at = max((stamp for stamp in stamps if stamp), default=timezone.now())
    apps.get_model("guidance", "ContentVersion").objects.update_or_create(
        id=1, defaults={"number": 1, "changed_at": changed_at}
    )


def install_triggers(apps, schema_editor):
    content_triggers.install(schema_editor, TABLES)


def uninstall_triggers(apps, schema_editor):
    content_triggers.uninstall(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("guidance", "0004_initial_history")]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("number", models.BigIntegerField(default=0)),
                ("changed_at", models.DateTimeField(null=True)),
            ],
            options={"verbose_name": "content version"},
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
        migrations.RunPython(install_triggers, uninstall_triggers),
    ]
