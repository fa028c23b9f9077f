"""Admin for programs (managers) and reviewing (managers and reviewers)."""

from programs.admin import (  # noqa: F401  (registers the admin classes and panels)
    funding,
    lookups,
    milestones,
    program,
    reviewing,
    start_page,
)
