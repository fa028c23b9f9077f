"""Applications to programs and their status history.

An application's status changes only through
`startups.workflow.application_transition` (through the services in
`startups.services`).
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.history_notes import note_full
from portal.money import MONEY_DIGITS, MONEY_PLACES
from portal.validators import validate_multiline, validate_single_line
from startups.enums import ApplicationStatus
from startups.models.program import Program
from startups.models.startup import Startup

PITCH_MAX_LENGTH = 140

# Until the decision the team may still change its consent to publication.
PUBLICATION_EDITABLE = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
)


def pitch_deck_path(instance, filename: str) -> str:
    # A random name: the founder's file name is kept only as metadata, and
    # the path cannot be guessed from the application.
    return f"pitch-decks/{uuid.uuid4().hex}.pdf"


class ApplicationQuerySet(models.QuerySet["Application"]):
    def for_team_member(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(startup__memberships__user=user)


# The answer sections in the order the form shows them; each is required
# on submit (completeness is checked only then).
TEXT_SECTIONS = [
    ("problem", _("Problem")),
    ("solution", _("Solution")),
    ("market", _("Market")),
    ("business_model", _("Business model")),
    ("traction", _("Traction")),
    ("team", _("Team")),
    ("use_of_funds", _("Use of funds")),
]


class Application(models.Model):
    """One startup's application to one program.

    Answers are written by `startups.services.application_save_draft`
    (optimistic: a stale `version` is refused); status only through
    `startups.workflow.application_transition`.
    """

    startup = models.ForeignKey(
        Startup, on_delete=models.PROTECT, related_name="applications", verbose_name=_("startup")
    )
    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("program"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    problem = models.TextField(
        _("problem"), blank=True, max_length=5000, validators=[validate_multiline]
    )
    solution = models.TextField(
        _("solution"), blank=True, max_length=5000, validators=[validate_multiline]
    )
    market = models.TextField(
        _("market"), blank=True, max_length=5000, validators=[validate_multiline]
    )
    business_model = models.TextField(
        _("business model"), blank=True, max_length=5000, validators=[validate_multiline]
    )
    traction = models.TextField(
        _("traction"), blank=True, max_length=5000, validators=[validate_multiline]
    )
    team = models.TextField(_("team"), blank=True, max_length=5000, validators=[validate_multiline])
    requested_amount = models.DecimalField(
        _("requested amount"),
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    use_of_funds = models.TextField(
        _("use of funds"), blank=True, max_length=5000, validators=[validate_multiline]
    )
    pitch_deck = models.FileField(_("pitch deck"), upload_to=pitch_deck_path, blank=True)
    pitch_deck_name = models.CharField(
        _("pitch deck file name"), max_length=255, blank=True, validators=[validate_single_line]
    )
    pitch_deck_pages = models.PositiveIntegerField(
        _("pitch deck pages"), null=True, blank=True, editable=False
    )
    video_url = models.URLField(_("video link"), blank=True, validators=[validate_single_line])
    # The team's consent to the public results page (`programs.public_results`):
    # not given by default; changed by the draft form or, until the decision,
    # by `startups.publication.application_set_publication`.
    one_line_pitch = models.CharField(
        _("one-line pitch"),
        max_length=PITCH_MAX_LENGTH,
        blank=True,
        validators=[validate_single_line],
        help_text=_("What your startup does, in one sentence (at most 140 characters)."),
    )
    publish_consent = models.BooleanField(
        _("publish our startup's name and one-line pitch if selected"),
        default=False,
        help_text=_(
            "If your startup is selected, the program's public results page shows its name "
            "and one-line pitch. Without your consent it shows only “a startup in” your sector."
        ),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-updated_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["startup", "program"], name="application_one_per_startup_and_program"
            ),
            models.CheckConstraint(
                condition=Q(requested_amount__isnull=True) | Q(requested_amount__gte=0),
                name="application_amount_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="application_status_known",
            ),
        ]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"{self.startup} → {self.program}"

    def get_absolute_url(self) -> str:
        return reverse("startups:application_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def publication_editable(self) -> bool:
        return self.status in PUBLICATION_EDITABLE

    @property
    def currency(self) -> str:
        return self.program.currency


class ApplicationStatusChange(models.Model):
    """One row per status transition: the application's history."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("application"),
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=ApplicationStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=ApplicationStatus.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # What the portal says about the move, as a code and its parameters
    # (`portal.history_notes`), rendered in the reader's language; `note` is a
    # person's own words, shown as written.
    note_code = models.CharField(_("note code"), max_length=40, blank=True)
    note_params = models.JSONField(_("note parameters"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True, validators=[validate_multiline])

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status or '∅'} → {self.to_status}"

    @property
    def note_display(self) -> str:
        """The portal's note in the active language, then the person's own."""
        return note_full(code=self.note_code, params=self.note_params, text=self.note)
