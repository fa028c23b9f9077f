"""A founder's own startups and applications: read; start, edit and submit a draft,
upload its pitch deck. Through the site's selectors and services."""

from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError as FormError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile

from portal.api.auth import FOUNDER_READ, FOUNDER_WRITE, acting
from portal.api.errors import ERRORS, ApiError
from portal.api.schemas import AmountIn, Money, money
from portal.audit import audit_record
from startups import selectors, services
from startups.forms import ApplicationForm, PdfField
from startups.models import TEXT_SECTIONS, Application, Program, Startup

router = Router()

Id = Annotated[int, Path(ge=1, le=2_147_483_647)]

# --- Founders: my startups --------------------------------------------------------


class StartupOut(Schema):
    id: int
    name: str
    country: str
    region: str
    city: str
    sector: str
    stage: str
    team_size: int
    website: str


def startup_out(startup: Startup) -> StartupOut:
    return StartupOut(
        id=startup.pk,
        name=startup.name,
        country=startup.country,
        region=startup.region,
        city=startup.city,
        sector=startup.sector,
        stage=startup.stage,
        team_size=startup.team_size,
        website=startup.website,
    )


@router.get(
    "/founder/startups",
    response={200: list[StartupOut], **ERRORS},
    auth=FOUNDER_READ,
    tags=["founder"],
)
def my_startups(request: HttpRequest):
    """The startups whose team the token's user is on."""
    return [startup_out(s) for s in Startup.objects.for_user(request.user).order_by("name", "id")]


@router.get(
    "/founder/startups/{startup_id}",
    response={200: StartupOut, **ERRORS},
    auth=FOUNDER_READ,
    tags=["founder"],
)
def my_startup(request: HttpRequest, startup_id: Id):
    return startup_out(selectors.startup_get_for_user(user=request.user, pk=startup_id))


# --- Founders: my applications ------------------------------------------------------


class HistoryOut(Schema):
    status: str
    at: datetime
    note: str


class ApplicationOut(Schema):
    id: int
    startup_id: int
    startup: str
    program: str
    program_slug: str
    status: str
    version: int
    requested_amount: Money | None
    updated_at: datetime
    submitted_at: datetime | None


class ApplicationDetailOut(ApplicationOut):
    problem: str
    solution: str
    market: str
    business_model: str
    traction: str
    team: str
    use_of_funds: str
    video_url: str
    pitch_deck: bool
    missing: list[str]
    history: list[HistoryOut]


def application_out(application: Application, *, detail: bool = False) -> dict:
    out = {
        "id": application.pk,
        "startup_id": application.startup_id,
        "startup": application.startup.name,
        "program": application.program.name,
        "program_slug": application.program.slug,
        "status": application.status,
        "version": application.version,
        "requested_amount": money(application.requested_amount, application.program.currency),
        "updated_at": application.updated_at,
        "submitted_at": application.submitted_at,
    }
    if detail:
        out.update({name: getattr(application, name) for name, _label in TEXT_SECTIONS})
        out["video_url"] = application.video_url
        out["pitch_deck"] = bool(application.pitch_deck)
        out["missing"] = (
            [m.field for m in services.application_missing_sections(application)]
            if application.is_editable
            else []
        )
        out["history"] = [
            {"status": change.to_status, "at": change.at, "note": change.note}
            for change in application.status_changes.all()
        ]
    return out


def _audit_draft(request: HttpRequest, application: Application, fields: list[str]) -> None:
    """The site keeps no trail of draft saves; through the API every write names its
    token, so which answers changed (not their text) and the new version are recorded."""
    audit_record(
        actor=request.user,
        action="application.draft_save",
        obj=application,
        after={"fields": fields, "version": application.version},
    )


def _mine(request: HttpRequest, pk: int) -> Application:
    return selectors.application_get_for_member(user=request.user, pk=pk)


@router.get(
    "/founder/applications",
    response={200: list[ApplicationOut], **ERRORS},
    auth=FOUNDER_READ,
    tags=["founder"],
)
def my_applications(request: HttpRequest):
    """The applications of the startups the token's user is on the team of."""
    applications = (
        Application.objects.for_team_member(request.user)
        .select_related("program", "startup")
        .order_by("-updated_at", "id")
    )
    return [application_out(a) for a in applications]


@router.get(
    "/founder/applications/{application_id}",
    response={200: ApplicationDetailOut, **ERRORS},
    auth=FOUNDER_READ,
    tags=["founder"],
)
def my_application(request: HttpRequest, application_id: Id):
    """One of my applications with its answers, what is missing, and its history."""
    return application_out(_mine(request, application_id), detail=True)


class ApplicationStartIn(Schema):
    startup_id: int = Field(ge=1, le=2_147_483_647)
    program: str = Field(pattern=r"^[-a-zA-Z0-9_]{1,80}$", description="the program's slug")


@router.post(
    "/founder/applications",
    response={200: ApplicationDetailOut, 201: ApplicationDetailOut, **ERRORS},
    auth=FOUNDER_WRITE,
    tags=["founder"],
)
def application_start(request: HttpRequest, payload: ApplicationStartIn):
    """Start my startup's draft for a program (201), or answer the existing one (200)."""
    startup = selectors.startup_get_for_user(user=request.user, pk=payload.startup_id)
    program = get_object_or_404(Program.objects.public(), slug=payload.program)
    with acting(request):
        application, created = services.application_start(
            startup=startup, program=program, actor=request.user
        )
    return Status(
        201 if created else 200, application_out(_mine(request, application.pk), detail=True)
    )


class ApplicationDraftIn(Schema):
    version: int = Field(ge=1, le=2_147_483_647, description="the version you last read")
    problem: str | None = Field(None, max_length=5000)
    solution: str | None = Field(None, max_length=5000)
    market: str | None = Field(None, max_length=5000)
    business_model: str | None = Field(None, max_length=5000)
    traction: str | None = Field(None, max_length=5000)
    team: str | None = Field(None, max_length=5000)
    use_of_funds: str | None = Field(None, max_length=5000)
    requested_amount: AmountIn | None = None
    video_url: str | None = Field(None, max_length=200)


@router.patch(
    "/founder/applications/{application_id}",
    response={200: ApplicationDetailOut, **ERRORS},
    auth=FOUNDER_WRITE,
    tags=["founder"],
)
def application_update(request: HttpRequest, application_id: Id, payload: ApplicationDraftIn):
    """Save answers of a draft (only those given); a stale `version` is refused (409)."""
    application = _mine(request, application_id)
    given = payload.dict(exclude_unset=True)
    version = given.pop("version")
    fields = [name for name, _label in TEXT_SECTIONS] + ["requested_amount", "video_url"]
    data = {name: getattr(application, name) for name in fields}
    data.update({k: ("" if v is None and k != "requested_amount" else v) for k, v in given.items()})
    data["version"] = version
    form = ApplicationForm(data=data, instance=application)
    if not form.is_valid():
        raise ApiError(
            422,
            "invalid",
            _("Some fields are missing or not valid."),
            {name: [str(e) for e in errors] for name, errors in form.errors.items()},
        )
    with acting(request), transaction.atomic():
        application = services.application_save_draft(
            application=application,
            actor=request.user,
            data={name: form.cleaned_data[name] for name in given},
            expected_version=version,
        )
        _audit_draft(request, application, sorted(given))
    return application_out(_mine(request, application.pk), detail=True)


@router.post(
    "/founder/applications/{application_id}/pitch-deck",
    response={200: ApplicationDetailOut, **ERRORS},
    auth=FOUNDER_WRITE,
    tags=["founder"],
)
def application_pitch_deck(
    request: HttpRequest,
    application_id: Id,
    version: Annotated[int, Query(ge=1, le=2_147_483_647)],
    file: File[UploadedFile],
):
    """Upload the draft's pitch deck (multipart, field `file`): a PDF of at most 10 MB,
    checked by its content as on the site; `version` as for the answers."""
    application = _mine(request, application_id)
    try:
        deck = PdfField().clean(file)
    except FormError as error:
        raise ApiError(
            422, "invalid", _("Some fields are missing or not valid."), {"file": error.messages}
        ) from error
    with acting(request), transaction.atomic():
        application = services.application_save_draft(
            application=application,
            actor=request.user,
            data={},
            expected_version=version,
            pitch_deck=deck,
        )
        _audit_draft(request, application, ["pitch_deck"])
    return application_out(_mine(request, application.pk), detail=True)


@router.post(
    "/founder/applications/{application_id}/submit",
    response={200: ApplicationDetailOut, **ERRORS},
    auth=FOUNDER_WRITE,
    tags=["founder"],
)
def application_submit(request: HttpRequest, application_id: Id):
    """Submit a complete, eligible draft while the call is open (else 409 with the reasons)."""
    application = _mine(request, application_id)
    with acting(request):
        services.application_submit(application=application, actor=request.user)
    return application_out(_mine(request, application.pk), detail=True)
