"""The selection board, the suggestion and finalising through the admin."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.models import Job
from programs.reports import ReportScope, funding_report
from programs.services import assignment as assigning
from programs.services import funding, reviewing, selection
from startups.enums import ApplicationStatus as S
from startups.enums import ProgramStatus
from startups.models import Application
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


def _reviewed_program(rows, cap=3, budget="60000000"):
    program = ProgramFactory(
        closed=True,
        reviews_per_application=1,
        selection_cap=cap,
        total_budget=Decimal(budget),
    )
    criterion = CriterionFactory(program=program, scale_min=0, scale_max=10)
    boss = manager()
    pool = [reviewer() for _ in range(2)]
    apps = []
    for index in range(rows):
        app = submitted_application(
            program,
            requested_amount=Decimal(10_000_000 + 1_000_000 * (index % 5)),
            startup=StartupFactory(
                owner=UserFactory(),
                sector=("fintech", "agritech")[index % 2],
                region=("astana", "turkistan")[index % 2],
            ),
        )
        assignment = assigning.assignment_create(
            application=app, reviewer=pool[index % 2], actor=boss
        )
        reviewing.review_save(
            assignment=assignment,
            reviewer=assignment.reviewer,
            scores={criterion.pk: (index % 11, "")},
            recommendation="maybe",
            note="",
            submit=True,
        )
        apps.append(app)
    return program, apps, boss


def _board(program):
    return reverse("admin:startups_program_board", args=[program.pk])


def test_board_shows_header_and_ranked_rows(client):
    program, apps, boss = _reviewed_program(4)
    client.force_login(boss)
    page = client.get(_board(program))
    assert page.status_code == 200
    assert "Selected 0 of 3" in page.text
    assert "Requested by the selected: 0\xa0KZT of 60,000,000\xa0KZT" in page.text
    assert "Awarded (funding report): 0\xa0KZT" in page.text
    names = [row.startup.name for row in page.context["page"].object_list]
    # Scores 0, 10, 20, 30: best first.
    assert names == [a.startup.name for a in reversed(apps)]


def test_board_names_requested_and_awarded_apart_and_matches_the_report(client):
    # Selected for 11,000,000 and 12,000,000 (requested); one award of 9,000,000.
    program, apps, boss = _reviewed_program(3, budget="60000000")
    program.status = ProgramStatus.DECIDED
    program.save(update_fields=["status"])
    for app in apps[1:]:
        selection.application_decide(application=app, decision=S.SELECTED, actor=boss)
    funding.award_create(
        application=apps[1], amount=Decimal("9000000"), agreement_date=date(2026, 6, 1), actor=boss
    )
    client.force_login(boss)
    page = client.get(_board(program))
    assert "Requested by the selected: 23,000,000\xa0KZT of 60,000,000\xa0KZT" in page.text
    assert "remaining 37,000,000\xa0KZT" in page.text
    assert "Awarded (funding report): 9,000,000\xa0KZT" in page.text
    assert "committed" not in page.text.split('id="selection-header"')[1].split("</div>\n</div>")[0]
    (row,) = [r for r in funding_report(ReportScope(program=program))["programs"]]
    assert row["committed"] == Decimal("9000000.00")


def test_board_filters_and_sorts(client):
    program, apps, boss = _reviewed_program(6)
    client.force_login(boss)
    agritech = client.get(_board(program) + "?sector=agritech")
    rows = agritech.context["page"].object_list
    assert {row.startup.sector for row in rows} == {"agritech"}
    by_name = client.get(_board(program) + "?sort=name")
    names = [row.startup.name for row in by_name.context["page"].object_list]
    assert names == sorted(names)


def test_board_select_in_bulk_stops_at_the_cap(client):
    program, apps, boss = _reviewed_program(5)
    client.force_login(boss)
    response = client.post(
        _board(program),
        {"decision": "selected", "ids": [a.pk for a in apps], "note": "Commission 1"},
        follow=True,
    )
    assert Application.objects.filter(program=program, status="selected").count() == 3
    text = response.text
    assert "Decisions recorded: 3." in text
    assert "2 decisions were refused." in text
    assert "the cap of 3 selected projects is reached" in text


def test_board_needs_a_manager(client):
    program, _apps, _boss = _reviewed_program(1)
    client.force_login(reviewer())
    assert client.get(_board(program)).status_code == 404
    assert client.post(_board(program), {"decision": "selected"}).status_code == 404
    client.force_login(UserFactory())
    assert client.get(_board(program)).status_code == 302  # not staff: to the admin login


def test_suggest_within_budget_and_accept(client, django_capture_on_commit_callbacks):
    program, apps, boss = _reviewed_program(6, cap=3, budget="30000000")
    client.force_login(boss)
    url = reverse("admin:startups_program_suggest", args=[program.pk])
    form = {"run": "1", "objective": "rank_order", "min-TOTAL_FORMS": "3", "min-INITIAL_FORMS": "0"}
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, form)
    # The job ran (eager) when its transaction committed; its page opens the result.
    page = client.get(started.url, follow=True)
    result = page.context["result"]
    assert page.context["objective_label"] == "Fund in rank order"
    chosen = Application.objects.filter(pk__in=result["selected"])
    assert sum(a.requested_amount for a in chosen) <= Decimal("30000000")
    assert len(result["selected"]) <= 3
    response = client.post(url, {"accept": "1", "ids": result["selected"]}, follow=True)
    assert response.status_code == 200
    assert set(
        Application.objects.filter(program=program, status="selected").values_list("pk", flat=True)
    ) == set(result["selected"])


def test_suggest_infeasible_minimum_is_a_clear_message(client, django_capture_on_commit_callbacks):
    program, _apps, boss = _reviewed_program(2)
    client.force_login(boss)
    url = reverse("admin:startups_program_suggest", args=[program.pk])
    form = {
        "run": "1",
        "objective": "rank_order",
        "min-TOTAL_FORMS": "1",
        "min-INITIAL_FORMS": "0",
        "min-0-field": "region",
        "min-0-value": "shymkent",
        "min-0-count": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, form)
    page = client.get(started.url, follow=True)
    assert page.status_code == 200
    assert page.context["result"]["selected"] == []
    assert page.context["result"]["problems"]
    assert 'id="suggest-problems"' in page.text


def test_finalise_through_the_board(client, django_capture_on_commit_callbacks):
    program, apps, boss = _reviewed_program(3)
    client.force_login(boss)
    client.post(_board(program), {"decision": "selected", "ids": [apps[-1].pk]})
    url = reverse("admin:startups_program_finalise", args=[program.pk])
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, {"undecided": "waitlisted"})
    # Finalising is a background job: the progress page, then its result.
    job = Job.objects.get(kind="programs.finalise", target=str(program.pk))
    assert started["Location"] == reverse("admin:job_progress", args=[job.pk])
    response = client.get(started["Location"], follow=True)
    assert response.redirect_chain == [
        (reverse("admin:startups_program_job_result", args=[program.pk, job.pk]), 302)
    ]
    assert "Decisions finalised: 1 selected, 2 waitlisted, 0 not selected" in response.text
    program.refresh_from_db()
    assert program.status == "decided"


@pytest.mark.parametrize("rows", [3, 30])
def test_board_keeps_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    program, _apps, boss = _reviewed_program(rows, cap=50, budget="1000000000")
    client.force_login(boss)
    with django_assert_max_num_queries(12):
        assert client.get(_board(program)).status_code == 200
