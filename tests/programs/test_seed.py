"""`make run` depends on seed_demo: it must build a consistent demo, the same every time."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from portal.models import AuditEntry, Notification, NotificationStatus, User
from programs.models import Assignment, Award, Disbursement, Review, Score, Tranche
from startups.enums import ApplicationStatus as S
from startups.models import Application, ApplicationStatusChange, Program, Startup
from startups.models.application import TEXT_SECTIONS

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
KAZAKH_LETTERS = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)


def test_seed_demo_builds_every_stage_once(capsys):
    call_command("seed_demo", "--if-empty", "--cohort", "12")
    out = capsys.readouterr().out
    assert "Demo logins (password for all: demo-portal-2026)" in out
    current = Program.objects.get(slug="startup-kazakhstan-2026")
    assert current.criteria.count() == 5
    # Programs and criteria in the three languages; the portal's notes as codes.
    assert (current.name_en, current.name_ru, current.name_kk) == (
        "Startup Kazakhstan 2026",
        "Стартап Казахстан 2026",
        "Стартап Қазақстан 2026",
    )
    assert all(
        c.name_en and c.name_ru and c.name_kk and c.guidance_kk for c in current.criteria.all()
    )
    notes = ApplicationStatusChange.objects.exclude(note="").values_list("note", flat=True)
    assert "Reviewers assigned." not in set(notes)
    assert ApplicationStatusChange.objects.filter(note_code="reviewers_assigned").exists()
    statuses = set(current.applications.values_list("status", flat=True))
    assert {"draft", "submitted", "under_review", "withdrawn"} <= statuses
    dana = Assignment.objects.filter(reviewer__email="reviewer@experts.kz", status="active")
    assert dana.exists()
    assert dana.exclude(review__status="submitted").count() == 3  # Dana's queue
    assert Review.objects.filter(status="submitted").exists()
    past = Program.objects.get(slug="startup-kazakhstan-2025")
    assert past.status == "decided"
    assert Award.objects.filter(program=past).count() == 6
    assert Disbursement.objects.exists()
    founder_apps = Application.objects.filter(startup__memberships__user__email="founder@demo.kz")
    assert founder_apps.filter(award__isnull=False).exists()

    call_command("seed_demo", "--if-empty")
    assert "Demo data already present; nothing created." in capsys.readouterr().out
    assert Program.objects.count() == 2


def _snapshot() -> dict:
    return {
        "counts": {
            model.__name__: model.objects.count()
            for model in (User, Startup, Application, Assignment, Review, Score, Award)
        },
        "startups": list(Startup.objects.order_by("id").values_list("name", flat=True)),
        "founders": list(User.objects.order_by("id").values_list("full_name", flat=True)),
        "totals": list(Review.objects.order_by("assignment_id").values_list("total", flat=True)),
    }


class _Undo(Exception):
    pass


def test_seed_demo_is_the_same_for_the_same_seed():
    args = ["seed_demo", "--applications", "40", "--reviewers", "8", "--seed", "5"]
    # The ledger refuses deletes: the first build is undone by its savepoint.
    with pytest.raises(_Undo), transaction.atomic():
        call_command(*args)
        first = _snapshot()
        raise _Undo
    assert Program.objects.count() == 0
    call_command(*args)
    assert _snapshot() == first
    # 40 generated, 7 demo teams, 8 for last year's call.
    assert first["counts"]["Application"] == 40 + 7 + 8
    # 40 founders, 8 demo logins, 3 more reviewers (8 in all), 6 demo team owners.
    assert first["counts"]["User"] == 40 + 8 + 3 + 6
    assert len(set(first["startups"])) == len(first["startups"])
    with pytest.raises(CommandError, match="already present"):
        call_command(*args)


def test_seed_demo_if_empty_does_nothing_on_a_seeded_database(capsys):
    call_command("seed_demo", "--applications", "10", "--reviewers", "6")
    before = _snapshot()
    call_command("seed_demo", "--if-empty", "--applications", "50")
    assert "Demo data already present; nothing created." in capsys.readouterr().out
    assert _snapshot() == before


def test_seed_demo_keeps_the_ledger_and_the_totals_consistent():
    call_command("seed_demo", "--applications", "30", "--reviewers", "6")
    for program in Program.objects.all():
        awarded = Award.objects.filter(program=program).aggregate(s=Sum("amount"))["s"] or 0
        assert program.committed == awarded
    awards = Award.objects.annotate(ledger=Sum("disbursements__amount"))
    assert awards.count() == 6
    for award in awards:
        assert award.disbursed == (award.ledger or 0)
        assert award.amount == sum(t.amount for t in award.tranches.all())
    for tranche in Tranche.objects.annotate(ledger=Sum("disbursements__amount")):
        assert tranche.paid == (tranche.ledger or 0)
    assert Disbursement.objects.count() >= 6


def test_seed_demo_writes_history_and_audit_for_every_status():
    call_command("seed_demo", "--applications", "30", "--reviewers", "6")
    for application in Application.objects.annotate(moves=Count("status_changes")):
        last = application.status_changes.order_by("at", "id").last()
        assert last.to_status == application.status
        assert application.status_changes.filter(from_status="").count() == 1
    moves = ApplicationStatusChange.objects.exclude(from_status="").count()
    assert AuditEntry.objects.filter(action="application.status").count() == moves
    submitted = Review.objects.filter(status="submitted").count()
    assert AuditEntry.objects.filter(action="review.submit").count() == submitted
    assert Score.objects.count() == submitted * 5
    # A demo mails no one: whatever the services wrote to the outbox stands as sent.
    assert not Notification.objects.exclude(status=NotificationStatus.SENT).exists()


def test_seed_demo_writes_texts_in_the_three_languages():
    call_command("seed_demo", "--applications", "60", "--reviewers", "6", "--seed", "3")
    generated = Application.objects.filter(
        program__slug="startup-kazakhstan-2026",
        startup__memberships__user__email__endswith="@startups.demo.kz",
    ).select_related("startup")
    by_language: dict[str, list[str]] = {"en": [], "ru": [], "kk": []}
    for application in generated.prefetch_related("startup__memberships__user"):
        language = application.startup.memberships.all()[0].user.preferred_language
        by_language[language].append(application.problem)
    assert all(by_language.values()), {k: len(v) for k, v in by_language.items()}
    assert all(not CYRILLIC.search(text) for text in by_language["en"])
    assert all(CYRILLIC.search(t) and not KAZAKH_LETTERS.search(t) for t in by_language["ru"])
    assert all(KAZAKH_LETTERS.search(text) for text in by_language["kk"])
    assert len({text for texts in by_language.values() for text in texts}) > 40


def test_seed_demo_funded_applications_are_complete_and_dated_in_order():
    """A funded application reads as one that lived through the call: every section
    answered, a deck, and its history before its money (submitted < decided <
    award agreement < payments), with the audit trail on the same dates."""
    call_command("seed_demo", "--applications", "12", "--reviewers", "6")
    funded = (
        Application.objects.filter(award__isnull=False)
        .select_related("award", "program")
        .prefetch_related("status_changes", "award__disbursements")
    )
    assert funded.count() == 6
    completed_seen = False
    for application in funded:
        empty = [name for name, _label in TEXT_SECTIONS if not getattr(application, name).strip()]
        assert empty == [], f"{application}: empty sections {empty}"
        assert application.requested_amount and application.pitch_deck
        assert application.pitch_deck_name and application.pitch_deck_pages

        moves = sorted(application.status_changes.all(), key=lambda c: (c.at, c.id))
        # In date order the moves chain: each starts where the previous one ended.
        chain = [(m.from_status, m.to_status) for m in moves]
        assert all(a[1] == b[0] for a, b in zip(chain, chain[1:], strict=False)), chain
        at = {m.to_status: m.at for m in moves}
        award = application.award
        payments = sorted(d.paid_on for d in award.disbursements.all())
        assert payments, f"{application}: no payment"
        local = {status: timezone.localdate(when) for status, when in at.items()}
        assert application.created_at <= at[S.SUBMITTED] == application.submitted_at
        assert application.submitted_at < application.program.closes_at
        assert at[S.SUBMITTED] < at[S.UNDER_REVIEW] < at[S.SELECTED] < at[S.FUNDED]
        assert local[S.SELECTED] < award.agreement_date <= local[S.FUNDED] < payments[0]
        assert timezone.localdate(award.created_at) == award.agreement_date
        if S.COMPLETED in at:
            completed_seen = True
            assert local[S.COMPLETED] == payments[-1]
        # Nothing in its history is dated after its last payment or in the future.
        assert max(local.values()) <= payments[-1] < timezone.localdate()
        for disbursement in award.disbursements.all():
            assert timezone.localdate(disbursement.recorded_at) == disbursement.paid_on
        # The audit trail tells the same story on the same dates.
        audit = AuditEntry.objects.filter(
            action="application.status", object_id=str(application.pk)
        ).order_by("at", "id")
        assert [(e.before["status"], e.after["status"]) for e in audit] == chain[1:]
        assert [e.at for e in audit] == [m.at for m in moves[1:]]
    assert completed_seen  # one paid-up award at least, completed on its last payment
