"""Decision e-mails: told when the decision is made, each decision once."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.db import IntegrityError, transaction

from portal.models import Notification, NotificationKind
from programs.models import DecisionNotice
from programs.services import funding
from programs.services import selection as services
from startups.models import Membership
from tests.factories import (
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    submitted_application,
)
from tests.programs.test_funding_concurrency import _together

UNREVIEWED = "Decided before the reviews (test)."


def _program(count=4, cap=3):
    program = ProgramFactory(
        closed=True,
        selection_cap=cap,
        total_budget=Decimal("80000000"),
        max_amount_per_project=Decimal("20000000"),
    )
    apps = [
        submitted_application(
            program,
            requested_amount=Decimal("10000000"),
            startup=StartupFactory(owner=UserFactory()),
        )
        for _ in range(count)
    ]
    return program, apps


def _decide(app, decision, boss):
    return services.application_decide(
        application=app, decision=decision, actor=boss, exception_reason=UNREVIEWED
    )


def _kinds_for(app):
    return list(
        Notification.objects.filter(object_id=str(app.pk), kind__startswith="decision_")
        .order_by("id")
        .values_list("kind", flat=True)
    )


@pytest.mark.django_db
def test_each_decision_is_mailed_when_made(django_capture_on_commit_callbacks):
    program, apps = _program()
    boss = manager()
    with django_capture_on_commit_callbacks(execute=True):
        _decide(apps[0], "selected", boss)
        _decide(apps[1], "waitlisted", boss)
        _decide(apps[2], "rejected", boss)
    assert [m.to for m in mail.outbox] == [
        [apps[0].startup.memberships.get().user.email],
        [apps[1].startup.memberships.get().user.email],
        [apps[2].startup.memberships.get().user.email],
    ]
    assert [_kinds_for(a) for a in apps[:3]] == [
        [NotificationKind.DECISION_SELECTED],
        [NotificationKind.DECISION_WAITLISTED],
        [NotificationKind.DECISION_REJECTED],
    ]
    assert "is selected" in mail.outbox[0].subject
    program.refresh_from_db()
    assert program.status != "decided"  # told before any finalising


@pytest.mark.django_db
def test_same_decision_twice_tells_once(django_capture_on_commit_callbacks):
    _program_, apps = _program()
    boss = manager()
    with django_capture_on_commit_callbacks(execute=True):
        _decide(apps[0], "selected", boss)
        _decide(apps[0], "selected", boss)
        services.applications_decide(
            applications=[apps[0]], decision="selected", actor=boss, exception_reason=UNREVIEWED
        )
    assert len(mail.outbox) == 1
    assert DecisionNotice.objects.filter(application=apps[0]).count() == 1


@pytest.mark.django_db
def test_changed_decision_is_told_once_and_finalising_adds_nothing(
    django_capture_on_commit_callbacks,
):
    program, apps = _program()
    boss = manager()
    Membership.objects.create(startup=apps[0].startup, user=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        _decide(apps[0], "waitlisted", boss)
        _decide(apps[0], "selected", boss)
        _decide(apps[0], "selected", boss)
    assert _kinds_for(apps[0]) == ["decision_waitlisted"] * 2 + ["decision_selected"] * 2
    assert list(
        DecisionNotice.objects.filter(application=apps[0]).values_list("sequence", "decision")
    ) == [(1, "waitlisted"), (2, "selected")]
    with django_capture_on_commit_callbacks(execute=True):
        summary = services.decisions_finalise(program=program, actor=boss)
    # Only the three undecided teams, now rejected, hear anything.
    assert summary["emails"] == 3
    assert _kinds_for(apps[0]) == ["decision_waitlisted"] * 2 + ["decision_selected"] * 2
    assert len(mail.outbox) == 4 + 3
    with django_capture_on_commit_callbacks(execute=True):
        assert services.decisions_finalise(program=program, actor=boss)["emails"] == 0
    assert len(mail.outbox) == 7


@pytest.mark.django_db
def test_team_untold_before_finalising_is_told_by_it(django_capture_on_commit_callbacks):
    program, apps = _program(count=2)
    boss = manager()
    _decide(apps[0], "selected", boss)
    # A team decided before the portal mailed decisions when made (no notice).
    DecisionNotice.objects.all().delete()
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        summary = services.decisions_finalise(program=program, actor=boss)
    assert summary["emails"] == 2
    assert _kinds_for(apps[0]) == ["decision_selected"]
    assert _kinds_for(apps[1]) == ["decision_rejected"]


@pytest.mark.django_db
def test_award_mail_never_comes_before_the_selection_mail():
    _program_, apps = _program(count=1)
    boss = manager()
    _decide(apps[0], "selected", boss)
    DecisionNotice.objects.all().delete()
    Notification.objects.all().delete()
    funding.award_create(
        application=apps[0],
        amount=Decimal("10000000"),
        agreement_date=date(2026, 11, 1),
        actor=boss,
    )
    kinds = list(Notification.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [NotificationKind.DECISION_SELECTED, NotificationKind.AWARD_MADE]


@pytest.mark.django_db
def test_the_database_refuses_a_second_notice_with_the_same_number():
    _program_, apps = _program(count=1)
    _decide(apps[0], "selected", manager())
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionNotice.objects.create(application=apps[0], sequence=1, decision="selected")


@pytest.mark.django_db
def test_backfill_counts_decisions_mailed_before_as_told():
    from importlib import import_module

    migration = import_module("programs.migrations.0011_decision_notice")
    _program_, apps = _program(count=1)
    _decide(apps[0], "selected", manager())
    DecisionNotice.objects.all().delete()
    Notification.objects.update(event_key=f"application:{apps[0].pk}:decision:selected")
    migration.backfill(django_apps, None)
    assert list(DecisionNotice.objects.values_list("application", "sequence", "decision")) == [
        (apps[0].pk, 1, "selected")
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_managers_deciding_at_once_tell_the_team_once():
    program, apps = _program(count=2, cap=5)
    bosses = [manager() for _ in range(6)]
    outcomes = _together(
        [lambda boss=boss: _decide(apps[0], "selected", boss) for boss in bosses[:3]]
        + [lambda boss=boss: _decide(apps[0], "waitlisted", boss) for boss in bosses[3:5]]
        + [lambda: services.decisions_finalise(program=program, actor=bosses[5])]
    )
    assert "ok" in outcomes
    notices = list(
        DecisionNotice.objects.filter(application=apps[0]).values_list("sequence", "decision")
    )
    apps[0].refresh_from_db()
    # Whatever the order, the last thing the team was told is its decision, each once.
    assert notices[-1][1] == apps[0].status
    assert len({decision for _n, decision in notices}) == len(notices)
    assert _kinds_for(apps[0]) == [f"decision_{decision}" for _n, decision in notices]
    assert _kinds_for(apps[1]) == ["decision_rejected"]
