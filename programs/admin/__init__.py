"""Admin for programs (managers) and reviewing (managers and reviewers)."""

from programs.admin import funding, program, reviewing  # noqa: F401  (registers the admin classes)
