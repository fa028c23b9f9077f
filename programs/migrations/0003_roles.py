from django.db import migrations

# The roles as they were when this migration was written, frozen here: the
# live list in programs/roles.py follows the models (Program and Criterion
# later moved to `startups`, see startups.0003), which this migration's
# state does not know yet.
ROLE_PERMISSIONS = {
    "Reviewers": [
        "programs.view_assignment",
        "programs.view_review",
        "programs.change_review",
        "programs.view_conflictofinterest",
        "programs.add_conflictofinterest",
    ],
    "Program managers": [
        "programs.view_program",
        "programs.add_program",
        "programs.change_program",
        "programs.view_criterion",
        "programs.add_criterion",
        "programs.change_criterion",
        "programs.delete_criterion",
        "programs.view_assignment",
        "programs.add_assignment",
        "programs.change_assignment",
        "programs.view_review",
        "programs.change_review",
        "programs.view_score",
        "programs.view_conflictofinterest",
        "programs.view_award",
        "programs.add_award",
        "programs.change_award",
        "programs.view_tranche",
        "programs.add_tranche",
        "programs.change_tranche",
        "programs.view_disbursement",
        "programs.add_disbursement",
        "startups.view_startup",
        "startups.view_application",
        "startups.view_applicationstatuschange",
        "startups.view_invitation",
        "portal.view_notification",
        "portal.change_notification",
        "portal.view_auditentry",
    ],
}


def _roles_sync(group_model, permission_model):
    for name, codes in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need
    # them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    _roles_sync(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_initial"),
        ("startups", "0001_initial"),
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
