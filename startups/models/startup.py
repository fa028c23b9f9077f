"""Startups and their teams: profiles, memberships, co-founder invitations.

A team changes only through the membership services in `startups.services`.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.validators import validate_multiline, validate_single_line
from startups.enums import Country, MembershipRole, Region, Sector, Stage

INVITATION_LIFETIME = timedelta(days=14)


class StartupQuerySet(models.QuerySet["Startup"]):
    def for_user(self, user):
        """Startups the user is on the team of; nothing for anyone else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Startup(models.Model):
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    country = models.CharField(
        _("country"), max_length=2, choices=Country.choices, default=Country.KAZAKHSTAN
    )
    region = models.CharField(
        _("region or city"),
        max_length=32,
        choices=Region.choices,
        blank=True,
        help_text=_("For startups in Kazakhstan."),
    )
    city = models.CharField(
        _("city"), max_length=100, blank=True, validators=[validate_single_line]
    )
    bin = models.CharField(
        _("BIN"),
        max_length=12,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Business identification number: 12 digits, for companies in Kazakhstan."),
    )
    registration_number = models.CharField(
        _("registration number"),
        max_length=50,
        blank=True,
        validators=[validate_single_line],
        help_text=_("The company's registration number outside Kazakhstan."),
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True, validators=[validate_single_line])
    description = models.TextField(
        _("short description"), max_length=1000, validators=[validate_multiline]
    )
    team_size = models.PositiveSmallIntegerField(
        _("team size"), default=1, validators=[MinValueValidator(1)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StartupQuerySet.as_manager()

    class Meta:
        verbose_name = _("startup")
        verbose_name_plural = _("startups")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bin"], condition=~Q(bin=""), name="startup_bin_unique"
            ),
            models.CheckConstraint(condition=Q(team_size__gte=1), name="startup_team_size_gte_1"),
            models.CheckConstraint(
                condition=Q(bin="") | Q(country="KZ"), name="startup_bin_only_in_kazakhstan"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("startups:startup_detail", kwargs={"pk": self.pk})

    @property
    def has_legal_entity(self) -> bool:
        return bool(self.bin or self.registration_number)

    @property
    def location(self) -> str:
        parts = [
            self.get_region_display() if self.region else self.city,
            self.get_country_display(),
        ]
        return ", ".join(str(p) for p in parts if p)


class Membership(models.Model):
    startup = models.ForeignKey(
        Startup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("startup")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(
        _("role"), max_length=8, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["startup", "-role", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["startup", "user"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["startup"], condition=Q(role="owner"), name="membership_one_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.startup} ({self.get_role_display()})"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + INVITATION_LIFETIME


class Invitation(models.Model):
    """A co-founder invitation; accepted once, by the invited address only."""

    startup = models.ForeignKey(
        Startup, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("startup")
    )
    email = models.EmailField(_("e-mail address"), validators=[validate_single_line])
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=_invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.startup}"

    def get_absolute_url(self) -> str:
        return reverse("startups:invitation_accept", kwargs={"token": self.token})

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
