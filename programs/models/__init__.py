"""The programs app's models: programs and criteria, reviewing."""

from programs.models.funding import Award, AwardStatus, Disbursement, Tranche
from programs.models.program import (
    Criterion,
    Program,
    ProgramQuerySet,
    ProgramStatus,
    default_countries,
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

__all__ = [
    "Award",
    "AwardStatus",
    "Disbursement",
    "Tranche",
    "Assignment",
    "AssignmentStatus",
    "ConflictOfInterest",
    "Criterion",
    "Program",
    "ProgramQuerySet",
    "ProgramStatus",
    "Recommendation",
    "Review",
    "ReviewStatus",
    "Score",
    "default_countries",
]
