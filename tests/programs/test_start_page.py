"""The admin's start page and the reviewer's queue.

A manager sees each active program with its pages and what needs attention;
a reviewer sees their queue's counts, the nearest deadline and its head, and
the whole queue (to do, in progress, submitted) on their assignment list.
Both pages keep the same number of queries with few and many rows.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.services import assignment as assigning
from programs.services import funding, reviewing
from programs.start_page import (
    ATTENTION_SOURCES,
    AttentionItem,
    QueueState,
    manager_attention,
    programs_active,
    reviewer_queue_summary,
)
from startups.enums import ApplicationStatus, ProgramStatus
from tests.factories import (
    ApplicationFactory,
    CriterionFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
QUEUE = reverse("admin:programs_assignment_changelist")


def _program(name, *, deadline_in_days=10, status=ProgramStatus.REVIEWING):
    program = ProgramFactory(
        name=name,
        status=status,
        opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(days=30),
        review_deadline=timezone.now() + timedelta(days=deadline_in_days),
    )
    CriterionFactory(program=program, scale_min=0, scale_max=10)
    return program


def _assign(program, person, boss, name, state=QueueState.TODO):
    application = submitted_application(program, startup=StartupFactory(name=name))
    assignment = assigning.assignment_create(application=application, reviewer=person, actor=boss)
    if state != QueueState.TODO:
        criterion = program.criteria.get()
        submit = state == QueueState.SUBMITTED
        reviewing.review_save(
            assignment=assignment,
            reviewer=person,
            scores={criterion.pk: (7, "")},
            recommendation="fund" if submit else "",
            note="",
            submit=submit,
        )
    return assignment


@pytest.fixture
def queue_world():
    boss, alice, bob = manager(), reviewer(), reviewer()
    soon = _program("Soon Program", deadline_in_days=3)
    late = _program("Late Program", deadline_in_days=20)
    _assign(late, alice, boss, "Late Done", QueueState.SUBMITTED)
    _assign(late, alice, boss, "Late Todo")
    _assign(soon, alice, boss, "Soon Draft", QueueState.IN_PROGRESS)
    _assign(soon, alice, boss, "Soon Todo")
    _assign(soon, bob, boss, "Bob Todo")
    return {"boss": boss, "alice": alice, "bob": bob, "soon": soon, "late": late}


def _names(page):
    return [a.application.startup.name for a in page.context["cl"].result_list]


def test_reviewer_queue_is_to_do_then_in_progress_then_submitted(client, queue_world):
    client.force_login(queue_world["alice"])
    page = client.get(QUEUE)
    assert page.status_code == 200
    # Within a state, the soonest deadline first.
    assert _names(page) == ["Soon Todo", "Late Todo", "Soon Draft", "Late Done"]
    assert page.context["cl"].list_per_page == 50
    assert "Bob Todo" not in page.content.decode()


def test_reviewer_queue_filters_by_state_and_by_own_program(client, queue_world):
    client.force_login(queue_world["alice"])
    todo = client.get(QUEUE, {"queue": str(QueueState.TODO.value)})
    assert _names(todo) == ["Soon Todo", "Late Todo"]
    submitted = client.get(QUEUE, {"queue": str(QueueState.SUBMITTED.value)})
    assert _names(submitted) == ["Late Done"]
    soon = client.get(QUEUE, {"program__id__exact": str(queue_world["soon"].pk)})
    assert _names(soon) == ["Soon Todo", "Soon Draft"]
    # The program filter offers the reviewer's own programs only.
    ProgramFactory(name="Someone Else's Program")
    text = client.get(QUEUE).content.decode()
    assert "Soon Program" in text
    assert "Someone Else&#x27;s Program" not in text
    assert "Someone Else's Program" not in text


def test_reviewer_queue_summary_counts_and_nearest_deadline(queue_world):
    summary = reviewer_queue_summary(user=queue_world["alice"])
    assert (summary.todo, summary.in_progress, summary.submitted, summary.overdue) == (2, 1, 1, 0)
    assert summary.nearest_deadline == queue_world["soon"].review_deadline


def test_overdue_work_is_counted_and_not_the_nearest_deadline(queue_world):
    soon = queue_world["soon"]
    soon.review_deadline = timezone.now() - timedelta(days=1)
    soon.save(update_fields=["review_deadline"])
    summary = reviewer_queue_summary(user=queue_world["alice"])
    assert summary.overdue == 2
    assert summary.nearest_deadline == queue_world["late"].review_deadline


def test_reviewer_start_block_shows_counts_deadline_and_head(client, queue_world):
    client.force_login(queue_world["alice"])
    page = client.get(INDEX)
    text = page.content.decode()
    assert 'id="reviewer-queue"' in text
    assert "To do: 2 · in progress: 1 · submitted: 1" in text
    assert "Nearest deadline" in text
    assert [a.application.startup.name for a in page.context["queue_head"]] == [
        "Soon Todo",
        "Late Todo",
        "Soon Draft",
        "Late Done",
    ]
    assert f'href="{QUEUE}"' in text
    # A reviewer gets no manager block.
    assert 'id="manager-start"' not in text


def test_reviewer_start_block_shows_only_the_head_of_a_long_queue(client, queue_world):
    alice, boss, soon = queue_world["alice"], queue_world["boss"], queue_world["soon"]
    for n in range(12):
        _assign(soon, alice, boss, f"Extra {n:02d}")
    client.force_login(alice)
    page = client.get(INDEX)
    assert len(page.context["queue_head"]) == 10
    assert "The whole queue (16 assignments)" in page.content.decode()


@pytest.fixture
def manager_world():
    boss, alice = manager(), reviewer()
    overdue = _program("Overdue Program", deadline_in_days=-2)
    _assign(overdue, alice, boss, "Overdue One")
    _assign(overdue, alice, boss, "Overdue Two")
    _assign(overdue, alice, boss, "Overdue Done", QueueState.SUBMITTED)
    funded = _program("Funded Program", status=ProgramStatus.DECIDED)
    awards = [_award(funded, boss, name) for name in ("First Award", "Second Award")]
    scheduled = _award(funded, boss, "Scheduled Award")
    funding.tranches_set(
        award=scheduled,
        schedule=[{"amount": Decimal("1000"), "planned_date": date(2026, 3, 1), "milestone": "M"}],
        actor=boss,
    )
    _program("Closed Program", status=ProgramStatus.CLOSED)
    _program("Draft Program", status=ProgramStatus.DRAFT)
    return {"boss": boss, "overdue": overdue, "funded": funded, "awards": awards}


def _award(program, boss, name):
    application = ApplicationFactory(
        program=program,
        status=ApplicationStatus.SELECTED,
        complete=True,
        startup=StartupFactory(name=name, owner=UserFactory()),
    )
    return funding.award_create(
        application=application,
        amount=Decimal("1000"),
        agreement_date=date(2026, 1, 5),
        actor=boss,
    )


def test_manager_start_page_lists_active_programs_with_their_pages(client, manager_world):
    client.force_login(manager_world["boss"])
    page = client.get(INDEX)
    assert page.status_code == 200
    shown = {p.name: p for p in page.context["start_programs"]}
    assert sorted(shown) == ["Funded Program", "Overdue Program"]
    overdue = shown["Overdue Program"]
    assert (overdue.submitted_count, overdue.assigned_count, overdue.reviewed_count) == (3, 3, 1)
    text = page.content.decode()
    pk = manager_world["overdue"].pk
    for url in (
        reverse("admin:startups_program_board", args=[pk]),
        reverse("admin:startups_program_progress", args=[pk]),
        reverse("admin:startups_program_suggest", args=[pk]),
        reverse("admin:programs_award_report") + f"?program={pk}",
    ):
        assert f'href="{url}"' in text, url
    assert "Closed Program" not in text
    assert "Draft Program" not in text


def test_manager_attention_lists_overdue_reviews_and_unscheduled_awards(manager_world):
    items = manager_attention(programs=programs_active())
    overdue, funded = manager_world["overdue"], manager_world["funded"]
    first_award = manager_world["awards"][0]
    assert items == [
        AttentionItem(
            label="Overdue Program: reviews overdue",
            count=2,
            url=reverse("admin:startups_program_progress", args=[overdue.pk])
            + "?reviewers=overdue",
        ),
        AttentionItem(
            label="Funded Program: awards without a tranche schedule",
            count=2,
            url=reverse("admin:programs_award_schedule", args=[first_award.pk]),
        ),
    ]
    assert funded.pk != overdue.pk


def test_attention_sources_are_one_list_to_extend(manager_world, monkeypatch):
    """Another line (e.g. milestone reports due) is one more source function."""

    def reports_due(programs, now):
        yield AttentionItem(label="Reports due", count=4, url="/admin/reports/")
        yield AttentionItem(label="Nothing here", count=0, url="/admin/none/")

    monkeypatch.setattr("programs.start_page.ATTENTION_SOURCES", [*ATTENTION_SOURCES, reports_due])
    items = manager_attention(programs=programs_active())
    assert items[-1] == AttentionItem(label="Reports due", count=4, url="/admin/reports/")
    assert len(items) == 3


def test_manager_start_page_shows_the_attention_items(client, manager_world):
    client.force_login(manager_world["boss"])
    text = client.get(INDEX).content.decode()
    assert "Needs attention" in text
    assert "Overdue Program: reviews overdue</a>: <strong>2</strong>" in text
    assert "reviews submitted: 1 of 3" in text
    assert "Funded Program: awards without a tranche schedule</a>: <strong>2</strong>" in text
    assert 'id="reviewer-queue"' not in text


# --- Query counts: the same ceiling with few and many rows -----------------------


@pytest.mark.parametrize("programs", [1, 6])
def test_manager_index_query_count(client, django_assert_max_num_queries, programs):
    boss, alice = manager(), reviewer()
    for n in range(programs):
        program = _program(f"Program {n}", deadline_in_days=-1 if n % 2 else 5)
        for m in range(3):
            _assign(program, alice, boss, f"P{n} A{m}", QueueState(m % 3))
        _award(program, boss, f"P{n} Award")
    client.force_login(boss)
    with django_assert_max_num_queries(12):
        page = client.get(INDEX)
    assert page.status_code == 200
    assert len(page.context["start_programs"]) == programs


@pytest.mark.parametrize("rows", [2, 30])
def test_reviewer_index_query_count(client, django_assert_max_num_queries, rows):
    boss, alice = manager(), reviewer()
    program = _program("Busy Program")
    for n in range(rows):
        _assign(program, alice, boss, f"Startup {n}", QueueState(n % 3))
    client.force_login(alice)
    with django_assert_max_num_queries(9):
        page = client.get(INDEX)
    assert page.status_code == 200
    assert len(page.context["queue_head"]) == min(rows, 10)


@pytest.mark.parametrize("rows", [2, 60])
def test_reviewer_queue_query_count(client, django_assert_max_num_queries, rows):
    boss, alice = manager(), reviewer()
    programs = [_program("Queue One"), _program("Queue Two")]
    for n in range(rows):
        _assign(programs[n % 2], alice, boss, f"Startup {n}", QueueState(n % 3))
    client.force_login(alice)
    with django_assert_max_num_queries(9):
        page = client.get(QUEUE)
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == min(rows, 50)
    if rows > 50:
        assert client.get(QUEUE, {"p": "2"}).status_code == 200
