"""The journalist and admin roles as groups with permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from articles.roles import ADMIN, JOURNALIST, JOURNALIST_PERMISSIONS


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():  # permissions are normally created after migrations
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    journalists, _ = Group.objects.get_or_create(name=JOURNALIST)
    for code in JOURNALIST_PERMISSIONS:
        app_label, codename = code.split(".")
        journalists.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    # Admins manage everything in the product and its users (through the Django admin too).
    admins, _ = Group.objects.get_or_create(name=ADMIN)
    admins.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["articles", "django_tasks_database"]),
        *Permission.objects.filter(content_type__app_label="auth"),
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[JOURNALIST, ADMIN]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_statement_figures"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
