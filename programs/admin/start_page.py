"""The admin's start page: the reviewer's queue and the manager's programs.

Two panels on the admin index (`PortalAdminSite.add_index_panel`), each
read by `programs.start_page` in a fixed number of queries.
"""

import rules
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from programs.rules import MANAGE_PROGRAMS, REVIEW_APPLICATIONS
from programs.start_page import (
    QueueState,
    manager_attention,
    programs_active,
    reviewer_queue,
    reviewer_queue_summary,
)

# The start page shows the head of the queue; the whole queue is the
# reviewer's assignment list (paginated, filtered by program and state).
QUEUE_HEAD = 10


def reviewer_queue_panel(request):
    """The reviewer's queue: counts, the nearest deadline and what comes next."""
    if not rules.has_perm(REVIEW_APPLICATIONS, request.user):
        return None
    now = timezone.now()
    summary = reviewer_queue_summary(user=request.user, now=now)
    head = list(reviewer_queue(user=request.user)[:QUEUE_HEAD])
    keys = {
        QueueState.TODO: "todo",
        QueueState.IN_PROGRESS: "in_progress",
        QueueState.SUBMITTED: "submitted",
    }
    for assignment in head:
        assignment.queue_key = keys[assignment.queue_state]
        assignment.queue_label = QueueState(assignment.queue_state).label
        deadline = assignment.program.review_deadline
        late = deadline is not None and deadline < now
        assignment.overdue = late and assignment.queue_state != QueueState.SUBMITTED
    total = summary.todo + summary.in_progress + summary.submitted
    return "admin/programs/reviewer_queue.html", {
        "summary": summary,
        "queue_head": head,
        "total": total,
        "more": total > len(head),
        "queue_url": reverse("admin:programs_assignment_changelist"),
    }


def manager_start_panel(request):
    """Each active program with its pages, and what needs attention."""
    if not request.user.has_perm(MANAGE_PROGRAMS):
        return None
    programs = programs_active()
    return "admin/programs/manager_start.html", {
        "start_programs": programs,
        "attention": manager_attention(programs=programs),
    }


admin.site.add_index_panel(manager_start_panel)
admin.site.add_index_panel(reviewer_queue_panel)
