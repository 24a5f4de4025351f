"""The "Publishers" group, and what editors may do with public change notes.

Editors prepare, preview and schedule; a change with a public note, or one that makes a row
visible, is published by someone with ``guidance.publish_change`` (settings
PUBLISHING_NEEDS_PUBLISHER). Publishers have everything editors have, that permission, and may fix
a note's text. Editors may read the notes.
"""

from django.db import migrations

NOTE_PERMISSIONS = ["publish_change", "change_changenote", "view_changenote"]


def create_publishers(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="guidance", codename="view_changenote")
    )
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    publishers.permissions.set(
        [
            *editors.permissions.all(),
            *Permission.objects.filter(
                content_type__app_label="guidance", codename__in=NOTE_PERMISSIONS
            ),
        ]
    )


def remove_publishers(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.filter(name="Publishers").delete()
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="guidance", codename="view_changenote"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0011_publishing"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_publishers, remove_publishers)]
