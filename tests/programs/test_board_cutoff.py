"""The board's cut-off: the lines at the cap and the budget, ties, too close to call."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.board import applications_too_close_to_call, board_cutoff
from programs.services import assignment as assigning
from programs.services import reviewing
from startups.enums import ProgramStatus
from tests.factories import (
    CriterionFactory,
    ProgramFactory,
    manager,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def _program(marks, cap=3, budget="6500000"):
    """One application per pair of marks (0–10, total = 10 × mark), requested 1M, 2M, …"""
    program = ProgramFactory(
        closed=True,
        status=ProgramStatus.REVIEWING,
        reviews_per_application=2,
        selection_cap=cap,
        total_budget=Decimal(budget),
        max_amount_per_project=Decimal("5000000"),
        normalise_reviewers=False,
    )
    criterion = CriterionFactory(program=program, scale_min=0, scale_max=10)
    boss = manager()
    pool = [reviewer(), reviewer()]
    apps = []
    for index, pair in enumerate(marks):
        app = submitted_application(program, requested_amount=Decimal(1_000_000 * (index + 1)))
        for person, mark in zip(pool, pair, strict=True):
            assignment = assigning.assignment_create(application=app, reviewer=person, actor=boss)
            reviewing.review_save(
                assignment=assignment,
                reviewer=person,
                scores={criterion.pk: (mark, "")},
                recommendation="maybe",
                note="",
                submit=True,
            )
        apps.append(app)
    return program, apps, boss


# A 90 (SE 0), B 70 (80 and 60: SE 10), C 70 (SE 0), D 60, E 20; requested 1M…5M.
MARKS = [(9, 9), (8, 6), (7, 7), (6, 6), (2, 2)]


def test_cutoff_lines_ties_and_too_close_rows(client):
    program, (a, b, c, d, e), boss = _program(MARKS)
    cutoff = board_cutoff(program=program, normalised=False)
    # Place 3 (C) holds the cut-off 70, shared with B; 1M+2M+3M+4M passes 6.5M at place 4.
    assert (cutoff.cap_place, cutoff.score, cutoff.ties, cutoff.budget_place) == (3, 70.0, 2, 4)
    assert list(applications_too_close_to_call(program=program)) == [b, c]
    # A narrower band: B's 70 is still exactly at the cut-off (distance 0).
    assert list(applications_too_close_to_call(program=program, band=0.5)) == [b, c]
    client.force_login(boss)
    page = client.get(reverse("admin:startups_program_board", args=[program.pk]))
    rows = list(page.context["page"].object_list)
    assert [(r.pk, r.rank, r.too_close, r.tie) for r in rows] == [
        (a.pk, 1, False, False),
        (b.pk, 2, True, True),
        (c.pk, 3, True, True),
        (d.pk, 4, False, False),
        (e.pk, 5, False, False),
    ]
    assert [r.score_se for r in rows] == [0.0, pytest.approx(10.0), 0.0, 0.0, 0.0]
    body = page.text
    assert body.index(c.startup.name) < body.index("cap-line") < body.index(d.startup.name)
    assert body.index(c.startup.name) < body.index("budget-line") < body.index(d.startup.name)
    assert body.count("too close to call</span>") == 2
    too_close = client.get(
        reverse("admin:startups_program_board", args=[program.pk]) + "?flag=too_close"
    )
    assert [r.pk for r in too_close.context["page"].object_list] == [b.pk, c.pk]
    assert too_close.context["page"].paginator.count == 2


def test_no_cutoff_when_fewer_scored_than_the_cap():
    program, _apps, _boss = _program(MARKS[:2], cap=3)
    assert board_cutoff(program=program, normalised=False).score is None
    assert list(applications_too_close_to_call(program=program)) == []


def test_board_query_count_is_flat_from_few_to_many_rows(client):
    counts = []
    for marks in (MARKS, MARKS * 4):
        program, _apps, boss = _program(marks)
        client.force_login(boss)
        url = reverse("admin:startups_program_board", args=[program.pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
