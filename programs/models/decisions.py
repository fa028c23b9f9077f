"""What each team was told about its application's decision.

One row per telling: the decision told, when, and by whose act. The team
is told when its application's decision differs from the last one told
(`programs.services.decision_mail`); the unique (application, sequence)
means two tellers racing past the program lock cannot both tell it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from startups.enums import ApplicationStatus


class DecisionNotice(models.Model):
    """A decision e-mailed to the team (written by `decisions_notify` only)."""

    application = models.ForeignKey(
        "startups.Application",
        on_delete=models.CASCADE,
        related_name="decision_notices",
        verbose_name=_("application"),
    )
    sequence = models.PositiveSmallIntegerField(_("no."))
    decision = models.CharField(_("decision"), max_length=20, choices=ApplicationStatus.choices)
    told_at = models.DateTimeField(_("told"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("decision notice")
        verbose_name_plural = _("decision notices")
        ordering = ["application", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "sequence"], name="decision_notice_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.sequence} {self.decision}"
