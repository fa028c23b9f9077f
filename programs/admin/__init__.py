"""Admin for programs (managers) and reviewing (managers and reviewers)."""

from programs.admin import funding, lookups, program, reviewing  # noqa: F401  (registers them)
