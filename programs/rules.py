"""Who may do what in reviewing, selection and funding (the `rules` package).

The one place for the programs app's permissions. Views, admin classes and
services ask them by name: `user.has_perm("programs.manage_programs")` in
views and admin, `portal.exceptions.permission_require` in services.
Querysets apply the same boundary so a reviewer simply does not find what
is not theirs (404). Every permission registered here is asked somewhere
and tested (`tests/portal/test_rules_registry.py`).
"""

from typing import Any

import rules

from programs.models import MilestoneReport, Review, ReviewStatus
from programs.models.milestones import EDITABLE_REPORT_STATES
from programs.roles import PROGRAM_MANAGERS, REVIEWERS, is_in_group


@rules.predicate
def is_program_manager(user: Any) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or is_in_group(user, PROGRAM_MANAGERS))
    )


@rules.predicate
def is_reviewer(user: Any) -> bool:
    return is_in_group(user, REVIEWERS)


@rules.predicate
def is_assignment_reviewer(user: Any, assignment: Any) -> bool:
    """The reviewer the assignment is for."""
    return bool(
        user.is_authenticated and assignment is not None and assignment.reviewer_id == user.pk
    )


@rules.predicate
def is_review_locked(user: Any, assignment: Any) -> bool:
    """The assignment's review is submitted: nobody edits it until a manager reopens it."""
    if assignment is None:
        return False
    return Review.objects.filter(assignment=assignment, status=ReviewStatus.SUBMITTED).exists()


@rules.predicate
def others_visible_before_submit(user: Any, assignment: Any) -> bool:
    """The program lets reviewers see each other's scores before submitting their own."""
    return bool(assignment is not None and assignment.program.reviewers_see_others_before_submit)


@rules.predicate
def is_report_team_member(user: Any, report: Any) -> bool:
    """A member of the team whose award the milestone report is for."""
    if not user.is_authenticated or report is None:
        return False
    return MilestoneReport.objects.for_team_member(user).filter(pk=report.pk).exists()


@rules.predicate
def is_report_editable(user: Any, report: Any) -> bool:
    """A draft, or returned for changes: the team's to write (submitted and approved are not)."""
    return report is not None and report.status in EDITABLE_REPORT_STATES


# The manager gate: running programs, reviewing, selection, funding, reports.
MANAGE_PROGRAMS = "programs.manage_programs"
rules.add_perm(MANAGE_PROGRAMS, is_program_manager)
# The reviewer's admin pages (the queue, their own assignments and reviews).
REVIEW_APPLICATIONS = "programs.review_applications"
rules.add_perm(REVIEW_APPLICATIONS, is_reviewer)
# Declaring a conflict and scoring: only the assignment's own reviewer.
REVIEW_ASSIGNMENT = "programs.review_assignment"
rules.add_perm(REVIEW_ASSIGNMENT, is_assignment_reviewer)
# "The review is locked": submitted, until a manager reopens it.
EDIT_REVIEW = "programs.edit_review"
rules.add_perm(EDIT_REVIEW, is_assignment_reviewer & ~is_review_locked)
# Other reviewers' scores: managers, a reviewer who has submitted their own,
# or everyone assigned when the program says so.
SEE_OTHER_REVIEWS = "programs.see_other_reviews"
rules.add_perm(
    SEE_OTHER_REVIEWS,
    is_program_manager | is_review_locked | others_visible_before_submit,
)
# A milestone report: its team reads it, and writes it while it is a draft or returned.
VIEW_MILESTONE_REPORT = "programs.view_milestone_report"
rules.add_perm(VIEW_MILESTONE_REPORT, is_report_team_member)
EDIT_MILESTONE_REPORT = "programs.edit_milestone_report"
rules.add_perm(EDIT_MILESTONE_REPORT, is_report_editable & is_report_team_member)
