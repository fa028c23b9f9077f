"""The generated call: founders, startups and applications, inserted in bulk.

The rows are what the services would have written for each team: the owner
and their membership, the `startup.create` audit entry, the application's
history from its creation (""→draft→submitted, then under review, or
withdrawn) with an `application.status` audit entry per move. The founders
never log in (unusable passwords) and were never mailed: no outbox rows.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from random import Random

from django.core.files.base import ContentFile

from portal.audit import audit_entry
from portal.history_notes import REVIEWERS_ASSIGNED, note_render
from portal.models import AuditEntry, User
from programs.management.demo import names, texts
from programs.management.demo.bulk import rows_insert
from programs.management.demo.data import (
    DEMO_PDF,
    DRAFT_SHARE,
    KAZAKHSTAN_SHARE,
    LANGUAGE_WEIGHTS,
    WITHDRAWN_SHARE,
)
from startups.enums import ApplicationStatus as S
from startups.enums import Country, MembershipRole, Sector, Stage
from startups.models import Application, ApplicationStatusChange, Membership, Program, Startup
from startups.validators import make_bin

DECK = "pitch-decks/demo-cohort-deck.pdf"
# Sectors as a national call receives them (more software than materials).
SECTOR_WEIGHTS = {
    Sector.AI: 16, Sector.FINTECH: 14, Sector.EDTECH: 12, Sector.AGRITECH: 12,
    Sector.HEALTHTECH: 11, Sector.SMART_CITY: 9, Sector.INDUSTRY_40: 9,
    Sector.GREENTECH: 8, Sector.NEW_MATERIALS: 4, Sector.OTHER: 5,
}  # fmt: skip
STAGE_WEIGHTS = {Stage.IDEA: 20, Stage.MVP: 40, Stage.REVENUE: 28, Stage.GROWTH: 12}
CIS_WEIGHTS = {
    Country.UZBEKISTAN: 30, Country.KYRGYZSTAN: 20, Country.RUSSIA: 12, Country.ARMENIA: 8,
    Country.AZERBAIJAN: 8, Country.BELARUS: 8, Country.TAJIKISTAN: 7, Country.MOLDOVA: 4,
    Country.TURKMENISTAN: 3,
}  # fmt: skip


@dataclass
class Team:
    """One generated application and what the reviews need to know about it."""

    application: Application
    startup: Startup
    quality: float  # the "true" merit reviewers see through their style


def _pick(rng: Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def deck_store() -> str:
    """One stored deck all generated applications point to (ten thousand files add nothing)."""
    storage = Application._meta.get_field("pitch_deck").storage
    if not storage.exists(DECK):
        storage.save(DECK, ContentFile(DEMO_PDF))
    return DECK


def _bin(index: int) -> str:
    # Registered in 2019–2025, a legal entity (4); unique per index.
    try:
        return make_bin(f"{19 + index % 7:02d}{1 + index % 12:02d}4{index:06d}")
    except ValueError:
        return ""


def cohort_create(
    *, program: Program, size: int, rng: Random, now: datetime, assigned_at: datetime, manager: User
) -> list[Team]:
    """`size` applications to `program`; returns the teams sent to review (under review)."""
    used_names = set(Startup.objects.values_list("name", flat=True))
    deck = deck_store()
    users, startups, applications, teams = [], [], [], []
    fates = []
    for index in range(size):
        language = _pick(rng, LANGUAGE_WEIGHTS)
        kazakh = rng.random() < KAZAKHSTAN_SHARE
        country = Country.KAZAKHSTAN if kazakh else _pick(rng, CIS_WEIGHTS)
        region = _pick(rng, names.REGION_WEIGHTS) if kazakh else ""
        city = "" if kazakh else rng.choice(names.CIS_CITIES[country])
        sector, stage = _pick(rng, SECTOR_WEIGHTS), _pick(rng, STAGE_WEIGHTS)
        team_size = rng.randint(2, 7)
        name = names.startup_name(rng, sector, language, used_names)
        place = names.place_in(region, city, language)
        owner = User(
            email=f"founder{index:05d}@startups.demo.kz",
            full_name=names.person_name(rng, country, language),
            preferred_language=language,
        )
        owner.set_unusable_password()  # demo teams that never log in
        users.append(owner)
        startups.append(
            Startup(
                name=name,
                country=country,
                region=region,
                city=city,
                bin=_bin(index) if kazakh and rng.random() < 0.6 else "",
                registration_number="" if kazakh else f"{country}-{rng.randrange(10**8):08d}",
                sector=sector,
                stage=stage,
                description=texts.description(
                    rng, name=name, sector=sector, language=language, place=place
                ),
                team_size=team_size,
                founded_on=(now - timedelta(days=rng.randint(120, 2200))).date(),
            )
        )
        amount = rng.randrange(10, 41) * 500_000
        roll = rng.random()
        fate = S.DRAFT if roll < DRAFT_SHARE else S.SUBMITTED
        if fate == S.SUBMITTED and roll < DRAFT_SHARE + WITHDRAWN_SHARE:
            fate = S.WITHDRAWN
        sections = texts.SECTIONS if fate != S.DRAFT else texts.SECTIONS[:3]
        created = now - timedelta(days=rng.uniform(12, 19.5))
        submitted = created + timedelta(days=rng.uniform(0.2, 4)) if fate != S.DRAFT else None
        applications.append(
            Application(
                program=program,
                status=S.UNDER_REVIEW if fate == S.SUBMITTED else fate,
                requested_amount=Decimal(amount) if fate != S.DRAFT else None,
                pitch_deck=deck if fate != S.DRAFT else "",
                pitch_deck_name=f"{name} pitch.pdf" if fate != S.DRAFT else "",
                pitch_deck_pages=3 if fate != S.DRAFT else None,
                version=2,
                created_at=created,
                updated_at=submitted or created,
                submitted_at=submitted,
                **texts.answers(
                    rng,
                    name=name,
                    sector=sector,
                    language=language,
                    place=place,
                    team_size=team_size,
                    amount_millions=amount // 1_000_000,
                    sections=sections,
                ),
            )
        )
        fates.append((fate, rng.uniform(2.5, 9.0)))
    rows_insert(User, users, with_ids=True)
    for owner, startup, application in zip(users, startups, applications, strict=True):
        startup.created_by = owner
        application.startup = startup
        application.created_by = application.updated_by = owner
    rows_insert(Startup, startups, with_ids=True)
    rows_insert(
        Membership,
        [
            Membership(startup=s, user=u, role=MembershipRole.OWNER)
            for s, u in zip(startups, users, strict=True)
        ],
    )
    rows_insert(Application, applications, with_ids=True)
    history, audit = [], []
    for owner, startup, application, (fate, quality) in zip(
        users, startups, applications, fates, strict=True
    ):
        audit.append(
            audit_entry(
                actor=owner, action="startup.create", obj=startup, after={"name": startup.name}
            )
        )
        moves = [("", S.DRAFT, application.created_at, owner, "")]
        if fate != S.DRAFT:
            moves.append((S.DRAFT, S.SUBMITTED, application.submitted_at, owner, ""))
        if fate == S.WITHDRAWN:
            moves.append((S.SUBMITTED, S.WITHDRAWN, application.submitted_at, owner, ""))
        if fate == S.SUBMITTED:
            note = REVIEWERS_ASSIGNED
            moves.append((S.SUBMITTED, S.UNDER_REVIEW, assigned_at, manager, note))
            teams.append(Team(application=application, startup=startup, quality=quality))
        for source, target, at, actor, note in moves:
            history.append(
                ApplicationStatusChange(
                    application=application,
                    from_status=source,
                    to_status=target,
                    at=at,
                    actor=actor,
                    note_code=note,
                )
            )
            if source:  # the creation is history only, as application_start writes it
                entry = audit_entry(
                    actor=actor,
                    action="application.status",
                    obj=application,
                    before={"status": source},
                    after={"status": target},
                    note=note_render(note),
                )
                entry.at = at
                audit.append(entry)
    rows_insert(ApplicationStatusChange, history)
    rows_insert(AuditEntry, audit)
    return teams
