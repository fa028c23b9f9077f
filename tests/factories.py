"""factory_boy factories for the portal's models."""

import io
from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject

from portal.models import User
from startups.enums import ApplicationStatus, MembershipRole, ProgramStatus
from startups.models import Application, Criterion, Membership, Program, Startup

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    # A domain of its own: shared company domains count as conflicts of interest.
    email = factory.Sequence(lambda n: f"user{n}@company{n}.kz")
    full_name = factory.Faker("name")
    preferred_language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        """Staff must have a second factor to use the admin: enrol them unless
        told not to (`totp=False`). The secret is kept on `obj.totp_secret`."""
        obj.totp_secret = None
        if create and obj.is_staff and extracted is not False:
            from tests.mfa_helpers import give_totp

            obj.totp_secret = give_totp(obj)

    class Params:
        staff = factory.Trait(is_staff=True)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    currency = "KZT"
    total_budget = Decimal("1000000000")
    max_amount_per_project = Decimal("20000000")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    status = ProgramStatus.OPEN

    class Params:
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=30)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )
        draft = factory.Trait(status=ProgramStatus.DRAFT)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1")


class StartupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Startup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Startup {n}")
    country = "KZ"
    region = "astana"
    sector = "fintech"
    stage = "mvp"
    description = "We build things."
    team_size = 3

    @factory.post_generation
    def owner(obj, create, extracted, **kwargs):
        if create and extracted:
            Membership.objects.create(startup=obj, user=extracted, role=MembershipRole.OWNER)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    startup = factory.SubFactory(StartupFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.MEMBER


def make_pdf(pages: int = 1, *, password: str | None = None, padding: int = 0) -> bytes:
    """A real PDF written by pypdf: blank pages, optionally encrypted or padded.

    `padding` bytes of spaces go into the first page's content stream, to
    reach an exact file size without breaking the file.
    """
    writer = PdfWriter()
    for _number in range(pages):
        writer.add_blank_page(width=595, height=842)
    if padding:
        content = StreamObject()
        content.set_data(b" " * padding)
        writer.pages[0][NameObject("/Contents")] = writer._add_object(content)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_of_size(size: int) -> bytes:
    """A valid one-page PDF of exactly `size` bytes."""
    padding = size - len(make_pdf())
    for _attempt in range(4):  # the /Length digits shift the size a little
        data = make_pdf(padding=padding)
        if len(data) == size:
            return data
        padding += size - len(data)
    raise AssertionError(f"no PDF of exactly {size} bytes")


PDF_BYTES = make_pdf()


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    startup = factory.SubFactory(StartupFactory)
    program = factory.SubFactory(ProgramFactory)
    status = ApplicationStatus.DRAFT

    class Params:
        complete = factory.Trait(
            problem="Small farms lose a third of their harvest.",
            solution="Cold storage as a service.",
            market="40,000 farms in the south.",
            business_model="Monthly subscription.",
            traction="12 paying farms.",
            team="Three founders, agronomy and engineering.",
            requested_amount=Decimal("15000000"),
            use_of_funds="Equipment and sales.",
            pitch_deck=factory.django.FileField(filename="deck.pdf", data=PDF_BYTES),
            pitch_deck_name="deck.pdf",
        )


def _group(name: str):
    from django.contrib.auth.models import Group

    from programs.roles import roles_sync

    if not Group.objects.filter(name=name).exists():
        roles_sync()  # a transactional test's flush removed the migration's groups
    return Group.objects.get(name=name)


def reviewer(**kwargs):
    """A staff user in the Reviewers group."""
    from programs.roles import REVIEWERS

    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(_group(REVIEWERS))
    return user


def manager(**kwargs):
    """A staff user in the Program managers group."""
    from programs.roles import PROGRAM_MANAGERS

    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(_group(PROGRAM_MANAGERS))
    return user


def submitted_application(program, **kwargs):
    return ApplicationFactory(
        program=program, status=ApplicationStatus.SUBMITTED, complete=True, **kwargs
    )


def milestone_reports_approved(award, *, actor=None, figures=None):
    """Every milestone report of the award written by its team, submitted and approved.

    For tests about payments after the first tranche: those are refused
    until the tranche's report is approved.
    """
    from programs.milestones import report_sections
    from programs.models import MilestoneReport, MilestoneReportStatus
    from programs.services import milestones as services
    from startups.selectors import team_recipients

    actor = actor or manager()
    startup = award.application.startup
    team = team_recipients(startup=startup)
    founder = team[0] if team else MembershipFactory(startup=startup).user
    sections = report_sections(award.program)
    reports = MilestoneReport.objects.filter(tranche__award=award).order_by("tranche__sequence")
    for report in reports:
        if report.status == MilestoneReportStatus.APPROVED:
            continue
        services.milestone_report_save(
            report=report,
            actor=founder,
            answers={key: f"Done: {title}" for key, title in sections},
            figures=figures or {},
            submit=True,
        )
        services.milestone_report_approve(report=report, actor=actor)
