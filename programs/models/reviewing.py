"""Reviewing: assignments of experts to applications, their reviews and scores.

Assignments are created and released only by `programs.services.reviewing`
(by hand, automatically, or when a conflict is declared); a review's status
changes only through `review_save` (draft → submitted) and `review_reopen`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.validators import validate_multiline


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RELEASED = "released", _("Released")


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def active(self):
        return self.filter(status=AssignmentStatus.ACTIVE)


class Assignment(models.Model):
    """One reviewer asked to review one application.

    A pair is assigned at most once: a released row (conflict declared,
    removed by a manager) stays, and keeps that pair from coming back.
    """

    program = models.ForeignKey(
        "startups.Program",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("program"),
    )
    application = models.ForeignKey(
        "startups.Application",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("application"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ACTIVE,
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    automatic = models.BooleanField(_("assigned automatically"), default=False)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    release_reason = models.TextField(
        _("why released"), blank=True, validators=[validate_multiline]
    )
    conflict = models.BooleanField(_("conflict of interest"), default=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["-assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="assignment_once_per_pair"
            ),
            models.CheckConstraint(
                condition=Q(status=AssignmentStatus.ACTIVE, released_at__isnull=True)
                | Q(status=AssignmentStatus.RELEASED, released_at__isnull=False),
                name="assignment_released_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "status"]),
            models.Index(fields=["reviewer", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} · {self.application}"

    def get_review_url(self) -> str:
        return reverse("admin:programs_assignment_review", args=[self.pk])


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Recommendation(models.TextChoices):
    FUND = "fund", _("Fund")
    MAYBE = "maybe", _("Maybe")
    DO_NOT_FUND = "do_not_fund", _("Do not fund")


class Review(models.Model):
    """A reviewer's scores for one assignment: saved as a draft, then submitted.

    `total` is the weighted criterion scores scaled to 0–100, computed by
    `review_save` on submit.
    """

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="review", verbose_name=_("assignment")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=12, choices=Recommendation.choices, blank=True
    )
    note_for_managers = models.TextField(
        _("note for the managers"), blank=True, max_length=5000, validators=[validate_multiline]
    )
    # Shared with the team after the decision when the program says so
    # (`Program.share_review_comments`); the note above never is.
    comment_for_team = models.TextField(
        _("comment for the team"), blank=True, max_length=5000, validators=[validate_multiline]
    )
    total = models.DecimalField(
        _("total (0–100)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-updated_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.DRAFT)
                | (Q(total__isnull=False) & Q(submitted_at__isnull=False) & ~Q(recommendation="")),
                name="review_submitted_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100),
                name="review_total_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Review')} #{self.pk}"


class Score(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        "startups.Criterion",
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("criterion"),
    )
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(
        _("comment"), blank=True, max_length=3000, validators=[validate_multiline]
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class ConflictOfInterest(models.Model):
    """A reviewer's declared conflict with a startup: never assigned to it."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("reviewer"),
    )
    startup = models.ForeignKey(
        "startups.Startup",
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("startup"),
    )
    reason = models.TextField(_("reason"), max_length=2000, validators=[validate_multiline])
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "startup"], name="conflict_once_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ✕ {self.startup}"
