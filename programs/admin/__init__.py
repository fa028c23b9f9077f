"""Admin for programs (managers) and reviewing (managers and reviewers)."""

from programs.admin import program, reviewing  # noqa: F401  (registers the admin classes)
