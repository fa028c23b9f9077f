"""The programs app's models: reviewing and funding.

Programs and their criteria live in `startups.models` (applications stand
on them); import them from there.
"""

from programs.models.decisions import DecisionNotice
from programs.models.funding import Award, AwardStatus, Disbursement, Tranche
from programs.models.milestones import (
    MilestoneReport,
    MilestoneReportAttachment,
    MilestoneReportChange,
    MilestoneReportStatus,
    ReportSection,
)
from programs.models.reviewing import (
    Assignment,
    AssignmentStatus,
    ConflictOfInterest,
    Recommendation,
    Review,
    ReviewStatus,
    Score,
)
from programs.models.scores import ApplicationScore

__all__ = [
    "ApplicationScore",
    "Award",
    "DecisionNotice",
    "AwardStatus",
    "Disbursement",
    "Tranche",
    "MilestoneReport",
    "MilestoneReportAttachment",
    "MilestoneReportChange",
    "MilestoneReportStatus",
    "ReportSection",
    "Assignment",
    "AssignmentStatus",
    "ConflictOfInterest",
    "Recommendation",
    "Review",
    "ReviewStatus",
    "Score",
]
