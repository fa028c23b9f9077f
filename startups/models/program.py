"""Programs and their criteria: the calls startups apply to.

They live in `startups` because applications stand on them: an
application's eligibility, deadline and maximum amount are facts of its
program, read here directly. The `programs` app (reviewing, selection,
funding, the program admin and public pages) stands on this module.

A program's status is changed only by `programs.services.program_set_status`;
everything else about a program is edited by managers in the admin.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.money import MONEY_DIGITS, MONEY_PLACES, Currency, format_money
from portal.validators import validate_multiline, validate_single_line
from startups.enums import CIS_COUNTRIES, Country, ProgramStatus, Sector

if TYPE_CHECKING:
    from startups.models.startup import Startup


def default_countries() -> list[str]:
    return list(CIS_COUNTRIES)


# Program and criterion texts are written in up to three languages (one column
# per language, `startups/translation.py`); a reader sees the text in their
# language, else in the program's main language, else in any language it has.
CONTENT_LANGUAGES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)


def content_languages(language: str | None, main_language: str | None) -> list[str]:
    """The order in which a text's languages are tried for a reader of `language`."""
    order = [language, main_language, settings.LANGUAGE_CODE, *CONTENT_LANGUAGES]
    seen: list[str] = []
    for code in order:
        code = (code or "").split("-")[0]
        if code in CONTENT_LANGUAGES and code not in seen:
            seen.append(code)
    return seen


def content_in(obj: models.Model, field: str, language: str | None) -> str:
    """The text of `obj.<field>` for a reader of `language`, with the program's fallback."""
    # modeltranslation's `values()` rows are stand-ins without the model's methods.
    main_language = getattr(obj, "content_main_language", None)
    main = main_language() if main_language is not None else None
    for code in content_languages(language, main):
        value = getattr(obj, f"{field}_{code}", None)
        if value:
            return value
    # A row saved before its languages were filled keeps its text in the plain column.
    return obj.__dict__.get(field) or ""


def content_in_languages(obj: models.Model, field: str) -> dict[str, str]:
    """`obj.<field>` as a reader of each language reads it (for e-mails, see below)."""
    return {code: content_in(obj, field, code) for code in CONTENT_LANGUAGES}


def program_name_for_mail(program: models.Model) -> dict[str, Any]:
    """A program's name for an e-mail's context, shown in each recipient's language."""
    from portal.notifications import in_languages

    return in_languages(content_in_languages(program, "name"))


def program_name_fields(prefix: str = "") -> list[str]:
    """What `.only()` must load for a program's name to show in any language."""
    names = ["name", *(f"name_{code}" for code in CONTENT_LANGUAGES), "main_language"]
    return [prefix + name for name in names]


class TranslatedContentMixin:
    """Saves the untranslated column with the main language's text (for plain queries)."""

    TRANSLATED_FIELDS: tuple[str, ...] = ()

    def content_main_language(self) -> str | None:
        raise NotImplementedError

    def save_language(self) -> str:
        return self.content_main_language() or settings.LANGUAGE_CODE

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            touched = {
                field
                for field in self.TRANSLATED_FIELDS
                for code in CONTENT_LANGUAGES
                if f"{field}_{code}" in update_fields
            }
            kwargs["update_fields"] = list({*update_fields, *touched})
        # The descriptors resolve the untranslated column in the active language:
        # saved under the main language, it holds the main text.
        with translation.override(self.save_language()):
            super().save(*args, **kwargs)  # type: ignore[misc]


class ProgramQuerySet(models.QuerySet["Program"]):
    def public(self) -> ProgramQuerySet:
        return self.exclude(status=ProgramStatus.DRAFT)

    def accepting(self, now: datetime | None = None) -> ProgramQuerySet:
        now = now or timezone.now()
        return self.filter(status=ProgramStatus.OPEN, opens_at__lte=now, closes_at__gt=now)


class Program(TranslatedContentMixin, models.Model):
    TRANSLATED_FIELDS = ("name", "description", "decision_message")

    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    main_language = models.CharField(
        _("main language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Readers whose language has no text see the text in this language."),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    organiser = models.CharField(
        _("organiser"), max_length=200, blank=True, validators=[validate_single_line]
    )
    description = models.TextField(_("description"), blank=True, validators=[validate_multiline])
    decision_message = models.TextField(
        _("decision message"),
        blank=True,
        validators=[validate_multiline],
        help_text=_(
            "Shown at the top of the decision e-mails (selected, waitlisted, not selected)."
        ),
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.KZT
    )
    total_budget = models.DecimalField(
        _("total budget"),
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        validators=[MinValueValidator(Decimal("0"))],
    )
    selection_cap = models.PositiveIntegerField(
        _("selection cap"),
        default=50,
        validators=[MinValueValidator(1)],
        help_text=_("The most projects that can be selected."),
    )
    max_amount_per_project = models.DecimalField(
        _("maximum amount per project"),
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("applications close"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Almaty",
        validators=[validate_single_line],
        help_text=_("Dates are shown to applicants in this time zone."),
    )
    review_deadline = models.DateTimeField(_("review deadline"), null=True, blank=True)
    reviews_per_application = models.PositiveSmallIntegerField(
        _("reviews per application"), default=3, validators=[MinValueValidator(1)]
    )
    eligible_countries = models.JSONField(
        _("eligible countries"),
        default=default_countries,
        help_text=_("Country codes whose startups may apply."),
    )
    sectors = models.JSONField(
        _("sectors"),
        default=list,
        blank=True,
        help_text=_("Sectors the program funds; empty means every sector."),
    )
    min_team_size = models.PositiveSmallIntegerField(
        _("minimum team size"), default=1, validators=[MinValueValidator(1)]
    )
    requires_legal_entity = models.BooleanField(
        _("registered legal entity required"), default=False
    )
    reviewers_see_others_before_submit = models.BooleanField(
        _("reviewers see others' scores before submitting"), default=False
    )
    normalise_reviewers = models.BooleanField(
        _("normalise reviewers"),
        default=True,
        help_text=_(
            "Rank by scores standardised per reviewer, so that a harsh and a lenient "
            "reviewer count the same."
        ),
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "Applications whose review totals spread (standard deviation, 0–100 scale) "
            "above this are flagged for discussion."
        ),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    # The sum of the program's awards, kept by programs.services.funding with
    # atomic updates; the constraint below keeps it within the budget.
    committed = models.DecimalField(
        _("committed (awards)"),
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        default=Decimal("0"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Feedback to teams once decided (`programs.feedback`): reviewers' names never.
    share_review_comments = models.BooleanField(
        _("share reviewers' comments with the teams"),
        default=False,
        help_text=_(
            "After the decision each team sees the reviewers' comments for the team "
            "(never the reviewers' names or their notes to the managers)."
        ),
    )
    share_review_scores = models.BooleanField(
        _("share review scores with the teams"),
        default=False,
        help_text=_(
            "After the decision each team sees each review's total (0–100) and its score "
            "per criterion, labelled “Reviewer 1”, “Reviewer 2”…"
        ),
    )

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        # The table kept its name when the model moved from `programs`.
        db_table = "programs_program"
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="program_window_ordered"
            ),
            models.CheckConstraint(condition=Q(total_budget__gte=0), name="program_budget_gte_0"),
            models.CheckConstraint(
                condition=Q(max_amount_per_project__gt=0)
                & Q(max_amount_per_project__lte=F("total_budget")),
                name="program_max_amount_within_budget",
            ),
            models.CheckConstraint(condition=Q(selection_cap__gte=1), name="program_cap_gte_1"),
            models.CheckConstraint(
                condition=Q(committed__gte=0) & Q(committed__lte=F("total_budget")),
                name="program_awards_within_budget",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", kwargs={"slug": self.slug})

    def content_main_language(self) -> str:
        return self.main_language

    def is_accepting(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == ProgramStatus.OPEN and self.opens_at <= now < self.closes_at

    def deadline_display(self) -> str:
        """The closing time in the program's time zone, formatted for the active language."""
        local = timezone.localtime(self.closes_at, ZoneInfo(self.timezone))
        return f"{date_format(local, 'DATETIME_FORMAT')} ({self.timezone})"

    def eligibility_problems(
        self, *, startup: Startup, requested_amount: Decimal | None
    ) -> list[str]:
        """Each reason the startup may not apply to this program (for this amount), in words."""
        problems = []
        if startup.country not in self.eligible_countries:
            problems.append(
                _("Startups from %(country)s are not eligible for this program.")
                % {"country": startup.get_country_display()}
            )
        if startup.team_size < self.min_team_size:
            problems.append(
                _("The program asks for a team of at least %(min)d; yours has %(size)d.")
                % {"min": self.min_team_size, "size": startup.team_size}
            )
        if self.requires_legal_entity and not startup.has_legal_entity:
            problems.append(
                _(
                    "The program requires a registered legal entity: add your BIN (or "
                    "registration number) to the startup profile."
                )
            )
        if self.sectors and startup.sector not in self.sectors:
            problems.append(
                _("The program does not fund the %(sector)s sector.")
                % {"sector": startup.get_sector_display()}
            )
        if requested_amount is not None and requested_amount > self.max_amount_per_project:
            problems.append(
                _("The requested amount is above the program's maximum of %(max)s.")
                % {"max": format_money(self.max_amount_per_project, self.currency)}
            )
        return [str(p) for p in problems]

    @property
    def eligible_country_labels(self) -> list[str]:
        labels = dict(Country.choices)
        return [str(labels.get(code, code)) for code in self.eligible_countries]

    @property
    def sector_labels(self) -> list[str]:
        labels = dict(Sector.choices)
        return [str(labels.get(code, code)) for code in self.sectors]


class Criterion(TranslatedContentMixin, models.Model):
    TRANSLATED_FIELDS = ("name", "guidance")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("program")
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    guidance = models.TextField(
        _("guidance for reviewers"), blank=True, validators=[validate_multiline]
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=10)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        db_table = "programs_criterion"
        ordering = ["program", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_gt_0"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")), name="criterion_scale_ordered"
            ),
            models.UniqueConstraint(fields=["program", "name"], name="criterion_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def content_main_language(self) -> str | None:
        # The program's main language when the program is at hand; a criterion
        # loaded alone (beside a score) falls back in the portal's language
        # order rather than costing a query per criterion.
        if Criterion.program.is_cached(self):
            return self.program.main_language
        return None

    def save_language(self) -> str:
        return self.program.main_language
