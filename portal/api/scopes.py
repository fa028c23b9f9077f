"""Which scopes a user may give a token: never more than the user may do on the site.

Asked by name through the `rules` registry (portal imports no app): a
manager is whoever `programs.manage_programs` says, a reviewer whoever
`programs.review_applications` says. Staff scopes need the user's second
factor to be set up, as the admin does.
"""

from django.contrib.auth.models import AnonymousUser
from rules import has_perm

from portal.models import ApiScope, User

MANAGE_PROGRAMS = "programs.manage_programs"
REVIEW_APPLICATIONS = "programs.review_applications"

FOUNDER_SCOPES = {ApiScope.FOUNDER_READ, ApiScope.FOUNDER_WRITE}
REVIEWER_SCOPES = {ApiScope.REVIEWER_READ}
MANAGER_SCOPES = {ApiScope.MANAGER_READ, ApiScope.MANAGER_WRITE}


def scopes_allowed(user: User | AnonymousUser) -> set[str]:
    """Every scope the user holds today (re-asked on each request, so a lost role
    takes its scopes from the user's tokens at once)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    allowed: set[str] = set()
    if not user.is_staff:
        allowed |= FOUNDER_SCOPES
        return allowed
    from portal.mfa import has_second_factor

    if not has_second_factor(user):
        return allowed
    if has_perm(MANAGE_PROGRAMS, user):
        allowed |= MANAGER_SCOPES
    if has_perm(REVIEW_APPLICATIONS, user):
        allowed |= REVIEWER_SCOPES
    return allowed
