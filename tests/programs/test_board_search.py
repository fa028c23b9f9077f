"""The selection board's search: by startup name, BIN or application number.

A found row keeps its place and running total in the whole board, the
paginator counts the hits, and the lines are not drawn over a search.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from programs.board import board_cutoff, board_search, selection_board_count, selection_board_rows
from programs.services import assignment as assigning
from programs.services import reviewing
from startups.enums import ProgramStatus
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

# name, BIN, requested (millions), mark of the reviewer (0–10): ranked in this order
ROWS = [
    ("Orchard Robotics", "990340001234", 4, 9),
    ("Meadow Data", "", 3, 8),
    ("Orchard Logistics", "870340005678", 2, 6),
    ("River Health", "990340009999", 1, 4),
]


@pytest.fixture
def board():
    program = ProgramFactory(
        closed=True,
        status=ProgramStatus.REVIEWING,
        reviews_per_application=1,
        selection_cap=2,
        total_budget=Decimal("100000000"),
        max_amount_per_project=Decimal("5000000"),
        normalise_reviewers=False,
    )
    criterion = CriterionFactory(program=program, scale_min=0, scale_max=10)
    boss, person = manager(), reviewer()
    apps = {}
    for name, bin_, millions, mark in ROWS:
        app = submitted_application(
            program,
            requested_amount=Decimal(1_000_000 * millions),
            startup=StartupFactory(owner=UserFactory(), name=name, bin=bin_, country="KZ"),
        )
        assignment = assigning.assignment_create(application=app, reviewer=person, actor=boss)
        reviewing.review_save(
            assignment=assignment,
            reviewer=person,
            scores={criterion.pk: (mark, "")},
            recommendation="maybe",
            note="",
            submit=True,
        )
        apps[name] = app
    return program, apps, boss


def _found(program, q):
    cutoff = board_cutoff(program=program, normalised=False)
    rows = selection_board_rows(program=program, normalised=False, q=q, cutoff=cutoff)
    count = selection_board_count(program=program, normalised=False, q=q, cutoff=cutoff)
    return [(row.pk, row.rank, row.running_requested) for row in rows], count


def test_search_by_name_keeps_each_row_place_and_running_total(board):
    program, apps, _boss = board
    rows, count = _found(program, "orchard")
    assert rows == [
        (apps["Orchard Robotics"].pk, 1, Decimal("4000000")),
        (apps["Orchard Logistics"].pk, 3, Decimal("9000000")),
    ]
    assert count == 2


def test_search_by_bin_start_and_by_application_number(board):
    program, apps, _boss = board
    assert _found(program, "9903400") == (
        [
            (apps["Orchard Robotics"].pk, 1, Decimal("4000000")),
            (apps["River Health"].pk, 4, Decimal("10000000")),
        ],
        2,
    )
    meadow = apps["Meadow Data"].pk
    expected = ([(meadow, 2, Decimal("7000000"))], 1)
    assert _found(program, str(meadow)) == expected
    assert _found(program, f"#{meadow}") == expected
    assert _found(program, f"№ {meadow}") == expected


def test_search_finds_nothing_outside_the_program(board):
    program, _apps, _boss = board
    other = submitted_application(
        ProgramFactory(), startup=StartupFactory(owner=UserFactory(), name="Orchard Elsewhere")
    )
    assert _found(program, "elsewhere") == ([], 0)
    assert _found(program, str(other.pk)) == ([], 0)


def test_empty_search_is_no_filter(board):
    program, _apps, _boss = board
    assert board_search("   ") is None
    rows, count = _found(program, "")
    assert [rank for _pk, rank, _total in rows] == [1, 2, 3, 4]
    assert count == 4


def test_board_page_search(client, board):
    program, apps, boss = board
    client.force_login(boss)
    url = reverse("admin:startups_program_board", args=[program.pk])
    page = client.get(url, {"q": "Logistics"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Orchard Logistics" in text
    assert "Orchard Robotics" not in text
    assert "Meadow Data" not in text
    shown = page.context["page"].object_list
    assert [(a.pk, a.rank) for a in shown] == [(apps["Orchard Logistics"].pk, 3)]
    # A search is not the ranking: no cap or budget line drawn through it.
    assert page.context["lines_drawn"] is False
    assert 'name="q"' in text
    assert 'value="Logistics"' in text


def test_board_page_search_refuses_a_control_character_without_a_500(client, board):
    program, _apps, boss = board
    client.force_login(boss)
    url = reverse("admin:startups_program_board", args=[program.pk])
    page = client.get(url, {"q": "Orchard\x00"})
    assert page.status_code == 200
    assert "Null characters are not allowed." in page.content.decode()
    page = client.get(url, {"q": "Orchard\tRobotics"})
    assert "This field is a single line: remove a tab." in page.content.decode()
