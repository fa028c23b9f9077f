"""Permission predicates for reviewing (the `rules` package).

The admin classes and views ask these; querysets apply the same boundary
so a reviewer simply does not find what is not theirs (404).
"""

import rules

from programs.roles import PROGRAM_MANAGERS, REVIEWERS, is_in_group
from startups.rules import is_application_staff, is_team_member


@rules.predicate
def is_program_manager(user) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or is_in_group(user, PROGRAM_MANAGERS))
    )


@rules.predicate
def is_reviewer(user) -> bool:
    return is_in_group(user, REVIEWERS)


@rules.predicate
def is_assigned_reviewer(user, application) -> bool:
    if not user.is_authenticated or application is None:
        return False
    return application.assignments.filter(reviewer=user, status="active").exists()


# Reviewers read the pitch deck of the applications assigned to them.
rules.set_perm(
    "startups.download_pitch_deck", is_team_member | is_application_staff | is_assigned_reviewer
)
rules.add_perm("programs.manage_reviewing", is_program_manager)
