"""The "Editors" group: staff who keep the guidance current.

Editors may add, change and view guidance content and its history (and revert from it), but not
delete: unpublishing hides a row without losing it, so nothing an editor does is lost for good.
"""

from django.db import migrations

EDITABLE = ["milestone", "enrollmentoption", "requirement", "selfservice"]
ACTIONS = ["add", "change", "view"]


def create_editors(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for action in ACTIONS for model in EDITABLE]
    codenames += [f"view_historical{model}" for model in EDITABLE]
    editors.permissions.set(
        Permission.objects.filter(content_type__app_label="guidance", codename__in=codenames)
    )


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0002_seed_official_facts"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
