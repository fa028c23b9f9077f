"""Who may do what with startups and applications (the `rules` package).

The one place for the startups app's permissions, asked by name: views
with `request.user.has_perm`, services with
`portal.exceptions.permission_require`. Querysets in `selectors` apply the
same boundary so another founder's objects are simply not found (404);
a permission nobody asks is not registered (the registry test fails).
"""

import rules

from startups.enums import ApplicationStatus, MembershipRole


@rules.predicate
def is_team_member(user, obj) -> bool:
    startup = getattr(obj, "startup", obj)
    if not user.is_authenticated or startup is None:
        return False
    return startup.memberships.filter(user=user).exists()


@rules.predicate
def is_startup_owner(user, obj) -> bool:
    startup = getattr(obj, "startup", obj)
    if not user.is_authenticated or startup is None:
        return False
    return startup.memberships.filter(user=user, role=MembershipRole.OWNER).exists()


@rules.predicate
def is_application_staff(user) -> bool:
    """Staff allowed to read every application (managers; reviewers get their own rule)."""
    return user.is_authenticated and user.is_staff and user.has_perm("startups.view_application")


@rules.predicate
def is_withdrawable_by_team(user, application) -> bool:
    """Until review starts the team withdraws itself; later, through the program office."""
    return application is not None and application.status in (
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
    )


@rules.predicate
def is_publication_editable(user, application) -> bool:
    """The consent to publication changes until the decision."""
    return application is not None and application.publication_editable


rules.add_perm("startups.manage_team", is_startup_owner)
# The status first: it needs no query, and most applications are past withdrawing.
rules.add_perm("startups.withdraw_application", is_withdrawable_by_team & is_team_member)
rules.add_perm("startups.download_pitch_deck", is_team_member | is_application_staff)
rules.add_perm("startups.change_publication", is_publication_editable & is_team_member)
