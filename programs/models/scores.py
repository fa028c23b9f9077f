"""An application's score, kept as data.

One row per application, inserted and kept in step with the application's
status and requested amount by a database trigger (migration 0007), and
with its reviews by `programs.scoring.scores_refresh`, called in the same
transaction as every event that changes a score (a review submitted or
reopened). `python manage.py scores_rebuild` recomputes them all.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.money import MONEY_DIGITS, MONEY_PLACES
from programs.indexes import NullsOrderedIndex


class ApplicationScore(models.Model):
    """Raw and normalised means of an application's submitted reviews, with their
    count, spread (population deviation) and standard errors (sample deviation / √n)."""

    application = models.OneToOneField(
        "startups.Application",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="score_record",
        verbose_name=_("application"),
    )
    program = models.ForeignKey(
        "startups.Program",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("program"),
    )
    # Copies of the application's, kept by the trigger: the board's order and
    # filter are then one index range on this table.
    ranked = models.BooleanField(_("ranked"), default=False, db_default=False)
    requested_amount = models.DecimalField(
        _("requested amount"),
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        null=True,
        blank=True,
    )
    reviews = models.PositiveIntegerField(_("submitted reviews"), default=0, db_default=0)
    raw_score = models.FloatField(_("raw score"), null=True, blank=True)
    norm_score = models.FloatField(_("normalised score"), null=True, blank=True)
    spread = models.FloatField(_("spread between reviewers"), null=True, blank=True)
    raw_se = models.FloatField(_("standard error (raw)"), null=True, blank=True)
    norm_se = models.FloatField(_("standard error (normalised)"), null=True, blank=True)

    class Meta:
        verbose_name = _("application score")
        verbose_name_plural = _("application scores")
        indexes = [
            NullsOrderedIndex(
                F("program"),
                F("ranked"),
                F("norm_score").desc(nulls_last=True),
                F("requested_amount").asc(nulls_last=True),
                F("application"),
                name="score_board_normalised",
            ),
            NullsOrderedIndex(
                F("program"),
                F("ranked"),
                F("raw_score").desc(nulls_last=True),
                F("requested_amount").asc(nulls_last=True),
                F("application"),
                name="score_board_raw",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(reviews__gte=0), name="score_reviews_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.raw_score} / {self.norm_score}"
