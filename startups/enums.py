"""Reference lists for startup profiles (countries, regions, sectors, stages) and statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    """Kazakhstan and the CIS countries (members and associate)."""

    KAZAKHSTAN = "KZ", _("Kazakhstan")
    ARMENIA = "AM", _("Armenia")
    AZERBAIJAN = "AZ", _("Azerbaijan")
    BELARUS = "BY", _("Belarus")
    KYRGYZSTAN = "KG", _("Kyrgyzstan")
    MOLDOVA = "MD", _("Moldova")
    RUSSIA = "RU", _("Russia")
    TAJIKISTAN = "TJ", _("Tajikistan")
    TURKMENISTAN = "TM", _("Turkmenistan")
    UZBEKISTAN = "UZ", _("Uzbekistan")


CIS_COUNTRIES = [c.value for c in Country]


class Region(models.TextChoices):
    """Kazakhstan's regions and its cities of republican significance."""

    ASTANA = "astana", _("Astana (city)")
    ALMATY_CITY = "almaty-city", _("Almaty (city)")
    SHYMKENT = "shymkent", _("Shymkent (city)")
    ABAI = "abai", _("Abai Region")
    AKMOLA = "akmola", _("Akmola Region")
    AKTOBE = "aktobe", _("Aktobe Region")
    ALMATY = "almaty", _("Almaty Region")
    ATYRAU = "atyrau", _("Atyrau Region")
    EAST_KAZAKHSTAN = "east-kazakhstan", _("East Kazakhstan Region")
    JAMBYL = "jambyl", _("Jambyl Region")
    JETISU = "jetisu", _("Jetisu Region")
    KARAGANDA = "karaganda", _("Karaganda Region")
    KOSTANAY = "kostanay", _("Kostanay Region")
    KYZYLORDA = "kyzylorda", _("Kyzylorda Region")
    MANGYSTAU = "mangystau", _("Mangystau Region")
    NORTH_KAZAKHSTAN = "north-kazakhstan", _("North Kazakhstan Region")
    PAVLODAR = "pavlodar", _("Pavlodar Region")
    TURKISTAN = "turkistan", _("Turkistan Region")
    ULYTAU = "ulytau", _("Ulytau Region")
    WEST_KAZAKHSTAN = "west-kazakhstan", _("West Kazakhstan Region")


class Sector(models.TextChoices):
    INDUSTRY_40 = "industry40", _("Industry 4.0")
    NEW_MATERIALS = "materials", _("New materials")
    FINTECH = "fintech", _("Fintech")
    SMART_CITY = "smartcity", _("Smart city and clean transport")
    AGRITECH = "agritech", _("Agritech")
    EDTECH = "edtech", _("Edtech")
    HEALTHTECH = "healthtech", _("Healthtech")
    GREENTECH = "greentech", _("Energy and greentech")
    AI = "ai", _("Artificial intelligence and data")
    OTHER = "other", _("Other")


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    MVP = "mvp", _("MVP")
    REVENUE = "revenue", _("Revenue")
    GROWTH = "growth", _("Growth")


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    SELECTED = "selected", _("Selected")
    WAITLISTED = "waitlisted", _("Waitlisted")
    REJECTED = "rejected", _("Rejected")
    FUNDED = "funded", _("Funded")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ProgramStatus(models.TextChoices):
    """A program's life; moved only by `programs.services.program_set_status`."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    REVIEWING = "reviewing", _("Reviewing")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed")
