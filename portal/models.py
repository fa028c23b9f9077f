"""The portal's user: e-mail is the login, with a full name and a language."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.validators import validate_single_line


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True, validators=[validate_single_line])
    full_name = models.CharField(
        _("full name"), max_length=200, blank=True, validators=[validate_single_line]
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("E-mails and pages are shown in this language."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the user can log into the admin (reviewers and managers)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]


class AuditEntry(models.Model):
    """Who changed what, when, with the values before and after.

    Written by the services that own a change (status transitions, scores,
    decisions, money), in the same transaction as the change, through
    `portal.audit.audit_record`. Never edited.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Set when the change came through the REST API (`portal.audit.audit_via_token`).
    api_token = models.ForeignKey(
        "portal.ApiToken",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API token"),
    )
    api_token_label = models.CharField(_("through API token"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class NotificationKind(models.TextChoices):
    APPLICATION_SUBMITTED = "application_submitted", _("Application submitted")
    COFOUNDER_INVITATION = "cofounder_invitation", _("Co-founder invitation")
    CALL_CLOSING_7D = "call_closing_7d", _("Call closing in 7 days")
    CALL_CLOSING_1D = "call_closing_1d", _("Call closing in 1 day")
    REVIEWER_ASSIGNED = "reviewer_assigned", _("Reviewer assigned")
    REVIEWS_ASSIGNED = "reviews_assigned", _("New applications to review (one per run)")
    REVIEW_DUE = "review_due", _("Review due in 3 days")
    REVIEW_OVERDUE = "review_overdue", _("Review overdue")
    DECISION_SELECTED = "decision_selected", _("Decision: selected")
    DECISION_WAITLISTED = "decision_waitlisted", _("Decision: waitlisted")
    DECISION_REJECTED = "decision_rejected", _("Decision: not selected")
    AWARD_MADE = "award_made", _("Award made")
    DISBURSEMENT_RECORDED = "disbursement_recorded", _("Disbursement recorded")
    REPORT_DUE = "report_due", _("Milestone report due in 7 days")
    REPORT_OVERDUE = "report_overdue", _("Milestone report overdue")
    REPORT_RETURNED = "report_returned", _("Milestone report returned")
    REPORT_APPROVED = "report_approved", _("Milestone report approved")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One e-mail to one person about one event: the outbox row.

    Written by `portal.notifications.notification_create` in the same
    transaction as the event; sent by `portal.tasks.send_notification`,
    which locks the row and marks it sent. The unique key (kind, event,
    address) means one event can never produce two e-mails.
    """

    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    event_key = models.CharField(_("event"), max_length=200)
    email = models.EmailField(_("to"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "event_key", "email"], name="notification_once_per_event"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.email}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


# A job of one kind and target runs at most once at a time (the partial unique constraint).
JOB_ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    """Heavy admin work run by a Celery worker, with the progress its page reads.

    Started only through `portal.jobs.job_start` (which refuses a second job
    of the same kind and target while one is queued or running: the partial
    unique constraint below is the guarantee, the check before it only the
    message); moved only by `portal.jobs.job_run` in the worker.
    """

    kind = models.CharField(_("kind"), max_length=64)
    target = models.CharField(_("target"), max_length=64)  # e.g. the program's id
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=200, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target"],
                condition=models.Q(status__in=JOB_ACTIVE),
                name="job_one_active_per_kind_and_target",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="job_progress_at_most_100"
            ),
        ]
        indexes = [models.Index(fields=["kind", "target", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.target} ({self.get_status_display()})"


class ApiScope(models.TextChoices):
    """What an API token may do; never more than its user may (`portal.api.scopes`)."""

    FOUNDER_READ = "founder:read", _("Founder: read my startups and applications")
    FOUNDER_WRITE = "founder:write", _("Founder: edit and submit my applications")
    REVIEWER_READ = "reviewer:read", _("Reviewer: read my assignments")
    MANAGER_READ = "manager:read", _("Manager: read applications, scores, funding and reports")
    MANAGER_WRITE = "manager:write", _("Manager: record decisions and payments")


class ApiToken(models.Model):
    """A personal REST API token: a high-entropy secret kept only as its SHA-256.

    Created and revoked by `portal.api.tokens` (the user's own page, or a
    superuser in the admin); the secret is shown once, at creation. The short
    visible `prefix` finds the row; the hash is compared in constant time.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_single_line])
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("secret (SHA-256)"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def label(self) -> str:
        """How the audit trail names it: the visible prefix and the name."""
        return f"{self.prefix} {self.name}"[:120]

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
