"""Scores, ranking and decisions within the hard cap and budget."""

import statistics
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from portal.exceptions import NotAllowed
from portal.models import Notification
from programs.ranking import MIN_REVIEWS_TO_NORMALISE, ranking, selection_totals
from programs.services import assignment as assigning
from programs.services import reviewing
from programs.services import selection as services
from startups.enums import ApplicationStatus as S
from startups.enums import ProgramStatus
from startups.models import Application, Membership
from tests.factories import (
    CriterionFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db

# These tests are about the cap, the budget and the workflow, on applications
# not reviewed yet: they select them as recorded exceptions (see test_guard.py).
UNREVIEWED = "Decided before the reviews (test)."


def _review(assignment, value, recommendation="maybe"):
    criterion = assignment.program.criteria.get()
    return reviewing.review_save(
        assignment=assignment,
        reviewer=assignment.reviewer,
        scores={criterion.pk: (value, "")},
        recommendation=recommendation,
        note="",
        submit=True,
    )


@pytest.fixture
def scored():
    """Three reviewers score three applications on one 0–10 criterion (total = 10 × score).

    r1 is harsh (2, 4, 6), r2 lenient (6, 8, 10), r3 gives 4 to everyone
    (deviation 0: not normalised).
    """
    program = ProgramFactory(reviews_per_application=3, disagreement_threshold=Decimal("15"))
    CriterionFactory(program=program, scale_min=0, scale_max=10)
    boss = manager()
    r1, r2, r3 = reviewer(), reviewer(), reviewer()
    apps = [submitted_application(program, requested_amount=Decimal(v)) for v in (5e6, 6e6, 7e6)]
    marks = {r1: (2, 4, 6), r2: (6, 8, 10), r3: (4, 4, 4)}
    for app_index, app in enumerate(apps):
        for person, values in marks.items():
            assignment = assigning.assignment_create(application=app, reviewer=person, actor=boss)
            _review(assignment, values[app_index])
    return program, apps, marks


def test_raw_scores_counts_and_spread(scored):
    program, apps, _marks = scored
    rows = {row.pk: row for row in ranking(program, normalised=False)}
    a, b, c = (rows[app.pk] for app in apps)
    assert [round(float(r.raw_score), 3) for r in (a, b, c)] == [40.0, 53.333, 66.667]
    assert [r.reviews for r in (a, b, c)] == [3, 3, 3]
    assert round(float(a.spread), 3) == round(statistics.pstdev([20, 60, 40]), 3)  # 16.330
    assert [r.rank for r in (c, b, a)] == [1, 2, 3]


def test_running_total_follows_the_rank(scored):
    program, apps, _marks = scored
    rows = list(ranking(program, normalised=False))
    assert [r.pk for r in rows] == [apps[2].pk, apps[1].pk, apps[0].pk]
    assert [r.running_requested for r in rows] == [
        Decimal("7000000"),
        Decimal("13000000"),
        Decimal("18000000"),
    ]


def test_normalised_scores_standardise_each_reviewer(scored):
    program, apps, marks = scored
    totals = [10 * v for values in marks.values() for v in values]
    mean_all, dev_all = statistics.mean(totals), statistics.pstdev(totals)

    def norm(value, own):
        own = [10 * v for v in own]
        if len(own) < MIN_REVIEWS_TO_NORMALISE or statistics.pstdev(own) == 0:
            return 10 * value  # the documented rule: used as is
        z = (10 * value - statistics.mean(own)) / statistics.pstdev(own)
        return min(100, max(0, mean_all + z * dev_all))

    expected = [
        statistics.mean(norm(values[i], values) for values in marks.values()) for i in range(3)
    ]
    rows = {row.pk: row for row in ranking(program, normalised=True)}
    got = [rows[app.pk].norm_score for app in apps]
    assert got == pytest.approx(expected, abs=1e-6)
    # The harsh and the lenient reviewer now count the same: A's two
    # normalised totals are equal, so its score is their value and r3's raw 40.
    assert expected[0] == pytest.approx((2 * (mean_all - 1.2247449 * dev_all) + 40) / 3, abs=1e-4)


def test_reviewer_with_too_few_reviews_is_used_raw():
    program = ProgramFactory(reviews_per_application=1)
    CriterionFactory(program=program, scale_min=0, scale_max=10)
    boss = manager()
    lone = reviewer()
    app = submitted_application(program)
    _review(assigning.assignment_create(application=app, reviewer=lone, actor=boss), 7)
    row = ranking(program, normalised=True).get(pk=app.pk)
    assert (float(row.raw_score), row.norm_score) == (70.0, 70.0)


def test_flags_not_enough_reviews_and_disagreement(client, scored):
    program, apps, _marks = scored
    late = submitted_application(program)
    client.force_login(manager())
    url = f"/admin/startups/program/{program.pk}/board/"
    page = client.get(url + "?flag=not_enough")
    assert late.startup.name in page.text and apps[0].startup.name not in page.text
    disagree = client.get(url + "?flag=disagreement")
    # Spreads: A 16.3, B 18.9, C 24.9 > 15: all three flagged; the unreviewed one is not.
    assert all(app.startup.name in disagree.text for app in apps)
    assert late.startup.name not in disagree.text


# --- Decisions: cap and budget ------------------------------------------------


@pytest.fixture
def small_program():
    program = ProgramFactory(
        closed=True,
        selection_cap=2,
        total_budget=Decimal("50000000"),
        max_amount_per_project=Decimal("20000000"),
    )
    apps = [
        submitted_application(
            program,
            requested_amount=Decimal("20000000"),
            startup=StartupFactory(owner=UserFactory()),
        )
        for _ in range(4)
    ]
    return program, apps


def test_select_up_to_the_cap_then_refused(small_program):
    program, apps = small_program
    boss = manager()
    services.application_decide(
        application=apps[0], decision="selected", actor=boss, exception_reason=UNREVIEWED
    )
    services.application_decide(
        application=apps[1], decision="selected", actor=boss, exception_reason=UNREVIEWED
    )
    with pytest.raises(services.SelectionRefused) as info:
        services.application_decide(
            application=apps[2], decision="selected", actor=boss, exception_reason=UNREVIEWED
        )
    assert "the cap of 2 selected projects is reached" in str(info.value)
    assert selection_totals(program) == (2, Decimal("40000000"))
    apps[2].refresh_from_db()
    assert apps[2].status == S.SUBMITTED


def test_select_within_the_budget_then_refused(small_program):
    program, apps = small_program
    program.selection_cap = 5
    program.total_budget = Decimal("30000000")
    program.save()
    boss = manager()
    services.application_decide(
        application=apps[0], decision="selected", actor=boss, exception_reason=UNREVIEWED
    )
    with pytest.raises(services.SelectionRefused) as info:
        services.application_decide(
            application=apps[1], decision="selected", actor=boss, exception_reason=UNREVIEWED
        )
    assert str(info.value) == (
        f"{apps[1].startup.name} was not selected: its 20,000,000\xa0KZT would take the "
        "amount requested by the selected to 40,000,000\xa0KZT, above the program's "
        "30,000,000\xa0KZT."
    )


def test_only_managers_decide(small_program):
    _program, apps = small_program
    with pytest.raises(NotAllowed):
        services.application_decide(application=apps[0], decision="selected", actor=reviewer())


def test_waitlisted_promoted_when_a_selected_one_withdraws(small_program):
    program, apps = small_program
    boss = manager()
    for app in apps[:2]:
        services.application_decide(
            application=app, decision="selected", actor=boss, exception_reason=UNREVIEWED
        )
    services.application_decide(application=apps[2], decision="waitlisted", actor=boss)
    with pytest.raises(services.SelectionRefused):
        services.application_decide(
            application=apps[2], decision="selected", actor=boss, exception_reason=UNREVIEWED
        )
    services.application_record_withdrawal(application=apps[0], actor=boss, note="Declined")
    services.application_decide(
        application=apps[2], decision="selected", actor=boss, exception_reason=UNREVIEWED
    )
    apps[2].refresh_from_db()
    assert apps[2].status == S.SELECTED
    assert selection_totals(program)[0] == 2


def test_withdrawals_in_bulk_record_each_and_report_the_refused(small_program):
    program, apps = small_program
    boss = manager()
    services.application_decide(
        application=apps[0], decision="selected", actor=boss, exception_reason=UNREVIEWED
    )
    services.application_decide(application=apps[1], decision="rejected", actor=boss)
    done, refused = services.applications_record_withdrawal(
        applications=[apps[0], apps[1]], actor=boss, note="Declined"
    )
    assert [a.pk for a in done] == [apps[0].pk]
    assert refused == ["An application cannot go from “Rejected” to “Withdrawn”."]
    assert dict(Application.objects.values_list("pk", "status")) == {
        apps[0].pk: S.WITHDRAWN,
        apps[1].pk: S.REJECTED,
        apps[2].pk: S.SUBMITTED,
        apps[3].pk: S.SUBMITTED,
    }
    assert selection_totals(program)[0] == 0
    with pytest.raises(NotAllowed):
        services.applications_record_withdrawal(applications=[apps[2]], actor=reviewer(), note="")
    apps[2].refresh_from_db()
    assert apps[2].status == S.SUBMITTED


def test_finalise_decides_everyone_and_mails_once(
    small_program, django_capture_on_commit_callbacks
):
    program, apps = small_program
    boss = manager()
    Membership.objects.create(startup=apps[0].startup, user=UserFactory(preferred_language="kk"))
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(
            application=apps[0], decision="selected", actor=boss, exception_reason=UNREVIEWED
        )
        services.application_decide(application=apps[1], decision="waitlisted", actor=boss)
    assert len(mail.outbox) == 3  # told when decided: two members of one team, one of the other
    with django_capture_on_commit_callbacks(execute=True):
        summary = services.decisions_finalise(program=program, actor=boss)
    # Finalising tells only the two teams not told yet.
    assert summary == {"moved": 2, "emails": 2, "rejected": 2, "selected": 1, "waitlisted": 1}
    program.refresh_from_db()
    assert program.status == ProgramStatus.DECIDED
    assert sorted(Application.objects.values_list("status", flat=True)) == [
        "rejected",
        "rejected",
        "selected",
        "waitlisted",
    ]
    assert len(mail.outbox) == 5  # two members of the selected team, one per other team
    with django_capture_on_commit_callbacks(execute=True):
        again = services.decisions_finalise(program=program, actor=boss)
    assert (again["moved"], again["emails"]) == (0, 0)
    assert len(mail.outbox) == 5
    assert Notification.objects.count() == 5


def test_promotion_after_finalising_tells_the_team(
    small_program, django_capture_on_commit_callbacks
):
    program, apps = small_program
    boss = manager()
    services.application_decide(
        application=apps[0], decision="selected", actor=boss, exception_reason=UNREVIEWED
    )
    services.application_decide(
        application=apps[1], decision="selected", actor=boss, exception_reason=UNREVIEWED
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.decisions_finalise(program=program, actor=boss, undecided="waitlisted")
    sent = len(mail.outbox)
    services.application_record_withdrawal(application=apps[0], actor=boss, note="Declined")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(
            application=apps[2], decision="selected", actor=boss, exception_reason=UNREVIEWED
        )
    assert len(mail.outbox) == sent + 1
    assert "is selected" in mail.outbox[-1].subject


def test_rank_applications_command_csv(scored, capsys):
    program, apps, _marks = scored
    call_command("rank_applications", program.slug, "--csv")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("rank,application,startup")
    assert lines[1].split(",")[:2] == ["1", str(apps[2].pk)]
    assert len(lines) == 4


def test_rank_applications_unknown_program():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("rank_applications", "nope")
