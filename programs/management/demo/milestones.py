"""Demo milestone reports: approved before each paid tranche, the next one in every state.

The funded teams of last year's program report on their milestones: a
tranche after the first is paid only once its report is approved (as the
ledger demands), and the report on each team's next milestone is left as
a draft, submitted, returned with comments, or a draft past its due date.
"""

from decimal import Decimal

from portal.models import User
from programs.models import MilestoneReport, MilestoneReportStatus, Tranche
from programs.services.milestones import (
    milestone_report_approve,
    milestone_report_return,
    milestone_report_save,
)
from startups.selectors import team_recipients

PROGRESS = [
    "The pilot runs at two sites; the first paying customer signed in the period.",
    "The MVP is in daily use by 40 farms; the mobile app passed its security review.",
    "Production moved to the technology park; the certification tests are done.",
]

# The state of each team's next report, by the team's place in the list (the
# third team's schedule is paid in full, so its place is a draft at most).
OPEN_STATES = ["untouched", "submitted", "draft", "returned", "draft", "untouched"]


def _founder(tranche: Tranche) -> User:
    return team_recipients(startup=tranche.award.application.startup)[0]


def _write(report: MilestoneReport, founder: User, index: int, *, submit: bool) -> None:
    scale = Decimal(1 + index % 5)
    milestone_report_save(
        report=report,
        actor=founder,
        answers={"progress": PROGRESS[index % len(PROGRESS)]},
        figures={
            "revenue": Decimal(1_200_000) * scale,
            "users": 150 * int(scale),
            "jobs_created": 1 + index % 4,
            "investment_raised": Decimal(5_000_000) * (index % 2),
        },
        submit=submit,
    )


def report_approve_for_payment(tranche: Tranche, index: int, manager: User) -> None:
    """The tranche's report written, submitted and approved, so it can be paid."""
    report = MilestoneReport.objects.get(tranche=tranche)
    if report.status == MilestoneReportStatus.APPROVED:
        return
    _write(report, _founder(tranche), index, submit=True)
    milestone_report_approve(report=report, actor=manager)


def report_leave_open(tranche: Tranche, index: int, manager: User) -> None:
    """The next milestone's report: draft, submitted, returned, or untouched (often overdue)."""
    report = MilestoneReport.objects.get(tranche=tranche)
    founder = _founder(tranche)
    state = OPEN_STATES[index % len(OPEN_STATES)]
    if state == "untouched":
        return  # nothing written yet: overdue once its date has passed
    _write(report, founder, index, submit=state in ("submitted", "returned"))
    if state == "returned":
        milestone_report_return(
            report=report,
            actor=manager,
            comments="Please attach the pilot acceptance act and give the revenue by month.",
        )
