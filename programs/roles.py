"""The two staff roles and what each may do in the admin.

The groups are created by a data migration and kept in step by
`roles_sync` (also run by seed_demo). A reviewer is staff but sees only
their own assignments and reviews: no users, no money, no other reviewer's
work. A program manager runs programs, reviewing, selection and funding.
"""

from django.contrib.auth.models import Group, Permission

REVIEWERS = "Reviewers"
PROGRAM_MANAGERS = "Program managers"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    REVIEWERS: [
        "programs.view_assignment",
        "programs.view_review",
        "programs.change_review",
        "programs.view_conflictofinterest",
        "programs.add_conflictofinterest",
    ],
    PROGRAM_MANAGERS: [
        "startups.view_program",
        "startups.add_program",
        "startups.change_program",
        "startups.view_criterion",
        "startups.add_criterion",
        "startups.change_criterion",
        "startups.delete_criterion",
        "programs.view_reportsection",
        "programs.add_reportsection",
        "programs.change_reportsection",
        "programs.delete_reportsection",
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


def roles_sync(*, group_model=Group, permission_model=Permission) -> None:
    """Create the groups and give each exactly its permissions."""
    for name, codes in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


def is_in_group(user, name: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_cache = cache
    return name in cache
