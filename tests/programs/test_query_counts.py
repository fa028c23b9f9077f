"""Query counts of the programs pages that lacked one: the same ceiling with few and many rows.

Awards (the number of awards varies, not only their payments), conflicts of
interest, the suggestion, the founder's application page with its award,
tranches and payments, and the reviewer's review page.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from programs.services import assignment as assigning
from programs.services import funding, reviewing
from startups.enums import ApplicationStatus
from tests.factories import (
    ApplicationFactory,
    CriterionFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    milestone_reports_approved,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def _awarded(program, boss, *, tranches: int, payments_per_tranche: int):
    """A selected application with an award of `tranches` tranches, each paid in parts."""
    owner = UserFactory()
    amount = Decimal(1_000_000 * tranches)
    # Selected by the factory: the selection's own rules are tested elsewhere.
    application = ApplicationFactory(
        program=program,
        status=ApplicationStatus.SELECTED,
        complete=True,
        requested_amount=amount,
        startup=StartupFactory(owner=owner),
    )
    award = funding.award_create(
        application=application, amount=amount, agreement_date=date(2026, 1, 5), actor=boss
    )
    schedule = funding.tranches_set(
        award=award,
        schedule=[
            {"amount": Decimal(1_000_000), "planned_date": date(2026, 2, 1), "milestone": f"M{n}"}
            for n in range(tranches)
        ],
        actor=boss,
    )
    milestone_reports_approved(award, actor=boss)  # so every tranche may be paid
    for number, tranche in enumerate(schedule):
        for part in range(payments_per_tranche):
            funding.disbursement_record(
                tranche=tranche,
                amount=Decimal(1000),
                paid_on=date(2026, 2, 2),
                reference=f"P-{award.pk}-{number}-{part}",
                actor=boss,
            )
    return application, owner


@pytest.mark.parametrize("rows", [1, 12])
def test_award_changelist_query_count_with_many_awards(client, django_assert_max_num_queries, rows):
    program = ProgramFactory(closed=True, selection_cap=50, total_budget=Decimal("1000000000"))
    boss = manager()
    for _ in range(rows):
        _awarded(program, boss, tranches=2, payments_per_tranche=2)
    client.force_login(boss)
    with django_assert_max_num_queries(13):
        page = client.get(reverse("admin:programs_award_changelist"))
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_conflict_changelist_query_count(client, django_assert_max_num_queries, rows):
    boss = manager()
    for _ in range(rows):
        assigning.conflict_declare_in_advance(
            reviewer=reviewer(), startup=StartupFactory(), reason="Former employer"
        )
    client.force_login(boss)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("admin:programs_conflictofinterest_changelist"))
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == rows


def _reviewed_program(rows):
    program = ProgramFactory(
        closed=True, reviews_per_application=1, selection_cap=3, total_budget=Decimal("60000000")
    )
    criterion = CriterionFactory(program=program, scale_min=0, scale_max=10)
    boss = manager()
    pool = [reviewer() for _ in range(2)]
    for index in range(rows):
        application = submitted_application(
            program,
            requested_amount=Decimal(10_000_000),
            startup=StartupFactory(
                owner=UserFactory(),
                sector=("fintech", "agritech")[index % 2],
                region=("astana", "turkistan")[index % 2],
            ),
        )
        assignment = assigning.assignment_create(
            application=application, reviewer=pool[index % 2], actor=boss
        )
        reviewing.review_save(
            assignment=assignment,
            reviewer=assignment.reviewer,
            scores={criterion.pk: (index % 11, "")},
            recommendation="maybe",
            note="",
            submit=True,
        )
    return program, boss


@pytest.mark.parametrize("rows", [3, 25])
def test_suggestion_page_query_count(client, django_assert_max_num_queries, rows):
    program, boss = _reviewed_program(rows)
    client.force_login(boss)
    url = reverse("admin:startups_program_suggest", args=[program.pk])
    with django_assert_max_num_queries(10):
        page = client.get(url)
    assert page.status_code == 200
    assert page.context["program"] == program


@pytest.mark.parametrize(("tranches", "payments"), [(1, 1), (6, 4)])
def test_application_page_with_award_query_count(
    client, django_assert_max_num_queries, tranches, payments
):
    program = ProgramFactory(closed=True, total_budget=Decimal("1000000000"))
    application, owner = _awarded(
        program, manager(), tranches=tranches, payments_per_tranche=payments
    )
    client.force_login(owner)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("startups:application_detail", args=[application.pk]))
    assert page.status_code == 200
    assert page.text.count(" · P-") == tranches * payments


@pytest.mark.parametrize("others", [1, 6])
def test_review_page_query_count(client, django_assert_max_num_queries, others):
    program = ProgramFactory(reviews_per_application=1 + others)
    criteria = [CriterionFactory(program=program, name=f"C{n}") for n in range(2 + others)]
    boss = manager()
    application = submitted_application(program)
    pool = [reviewer() for _ in range(1 + others)]
    assignments = [
        assigning.assignment_create(application=application, reviewer=person, actor=boss)
        for person in pool
    ]
    for assignment in assignments:
        reviewing.review_save(
            assignment=assignment,
            reviewer=assignment.reviewer,
            scores={criterion.pk: (3, "Fine") for criterion in criteria},
            recommendation="maybe",
            note="",
            submit=True,
        )
    client.force_login(pool[0])
    with django_assert_max_num_queries(14):
        page = client.get(assignments[0].get_review_url())
    assert page.status_code == 200
    assert page.text.count('class="other-review"') == others
