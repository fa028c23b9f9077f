"""The board's rows read from the score table, the page's applications loaded after,
each row's figures formatted once; the ranking as plain rows."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from programs.board import (
    BOARD_SORTS,
    board_cutoff,
    board_order,
    board_page_applications,
    selection_board_rows,
)
from programs.ranking import RANKING_FIELDS, ranking, ranking_rows
from programs.services import assignment as assigning
from programs.services import reviewing
from startups.enums import ApplicationStatus, ProgramStatus
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

# name, sector, region, requested (millions), marks of the two reviewers (0–10)
ROWS = [
    ("Delta", "fintech", "astana", 4, (9, 9)),  # 90
    ("Alpha", "agritech", "", 3, (8, 6)),  # 70, spread 10; no region: its country shows
    ("Charlie", "fintech", "turkistan", 1, (7, 7)),  # 70, the smaller request first
    ("Bravo", "edtech", "astana", 2, (2, 2)),  # 20
]


def _program():
    program = ProgramFactory(
        closed=True,
        status=ProgramStatus.REVIEWING,
        reviews_per_application=2,
        selection_cap=2,
        total_budget=Decimal("6000000"),
        max_amount_per_project=Decimal("5000000"),
        normalise_reviewers=False,
        disagreement_threshold=Decimal("5"),
    )
    criterion = CriterionFactory(program=program, scale_min=0, scale_max=10)
    boss = manager()
    pool = [reviewer(), reviewer()]
    apps = {}
    for name, sector, region, millions, marks in ROWS:
        app = submitted_application(
            program,
            requested_amount=Decimal(1_000_000 * millions),
            startup=StartupFactory(
                owner=UserFactory(), name=name, sector=sector, region=region, country="KZ"
            ),
        )
        for person, mark in zip(pool, marks, strict=True):
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


def _page(program, sort=""):
    cutoff = board_cutoff(program=program, normalised=False)
    rows = selection_board_rows(program=program, normalised=False, sort=sort, cutoff=cutoff)
    return board_page_applications(rows[:50])


def test_board_rows_in_rank_order_with_places_running_totals_and_labels():
    program, apps, _boss = _program()
    page = _page(program)
    assert [(a.startup.name, a.rank, a.running_requested) for a in page] == [
        ("Delta", 1, Decimal("4000000.00")),
        ("Charlie", 2, Decimal("5000000.00")),
        ("Alpha", 3, Decimal("8000000.00")),
        ("Bravo", 4, Decimal("10000000.00")),
    ]
    alpha = page[2]
    assert alpha.pk == apps["Alpha"].pk
    assert (alpha.raw_score, alpha.reviews, alpha.spread, alpha.score_se) == (70.0, 2, 10.0, 10.0)
    assert (alpha.disagreement, alpha.not_enough) == (True, False)
    assert (alpha.sector_label, alpha.region_label, alpha.country_label) == (
        "Agritech",
        "",
        "Kazakhstan",
    )
    assert page[0].region_label == "Astana (city)"
    assert page[0].status_label == str(ApplicationStatus.UNDER_REVIEW.label)


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        ("", ["Delta", "Charlie", "Alpha", "Bravo"]),
        ("rank", ["Delta", "Charlie", "Alpha", "Bravo"]),
        ("score", ["Delta", "Charlie", "Alpha", "Bravo"]),
        ("requested", ["Charlie", "Bravo", "Alpha", "Delta"]),
        ("name", ["Alpha", "Bravo", "Charlie", "Delta"]),
        ("reviews", ["Delta", "Charlie", "Alpha", "Bravo"]),
        ("spread", ["Alpha", "Delta", "Charlie", "Bravo"]),
    ],
)
def test_board_rows_in_every_sort_keep_their_place_in_the_ranking(sort, names):
    program, _apps, _boss = _program()
    page = _page(program, sort)
    assert [a.startup.name for a in page] == names
    places = {"Delta": 1, "Charlie": 2, "Alpha": 3, "Bravo": 4}
    assert [a.rank for a in page] == [places[n] for n in names]


def test_board_order_spells_rank_as_the_score_index_order():
    assert set(BOARD_SORTS) == {"rank", "score", "requested", "name", "reviews", "spread"}
    by_rank = [str(term) for term in board_order("", normalised=True)]
    assert by_rank == [
        "OrderBy(F(norm_score), descending=True)",
        "OrderBy(F(requested_amount), descending=False)",
        "OrderBy(F(application_id), descending=False)",
    ]
    assert board_order("name", normalised=False)[0] == "application__startup__name"
    assert [str(t) for t in board_order("nonsense", normalised=False)][0] == (
        "OrderBy(F(raw_score), descending=True)"
    )


def test_board_page_applications_skips_a_row_whose_application_is_gone():
    program, apps, _boss = _program()
    rows = list(selection_board_rows(program=program, normalised=False)[:50])
    apps["Charlie"].delete()  # its score row goes with it; the page read before keeps it
    assert [a.startup.name for a in board_page_applications(rows)] == ["Delta", "Alpha", "Bravo"]


def test_board_page_shows_each_row_formatted_once(client):
    program, apps, boss = _program()
    client.force_login(boss)
    page = client.get(reverse("admin:startups_program_board", args=[program.pk]))
    alpha = next(row for row in page.context["page"].object_list if row.startup.name == "Alpha")
    change = reverse("admin:startups_application_change", args=[apps["Alpha"].pk])
    # Both reviewers have four reviews: the normalised score moves a little.
    assert (alpha.change_url, alpha.raw_display, alpha.norm_display) == (change, "70.0", "69.8")
    assert (alpha.se_display, alpha.spread_display) == ("± 10.0", "10.0")
    assert (alpha.requested_display, alpha.running_display) == (
        "3,000,000\xa0KZT",
        "8,000,000\xa0KZT",
    )
    assert f'<a href="{change}">Alpha</a>' in page.text
    # Secondary columns (hidden on a narrow board until "All columns") are in the page.
    assert '<td class="col-extra">Agritech</td>' in page.text
    assert '<td class="col-extra">Kazakhstan</td>' in page.text
    assert '<td class="num col-extra">± 10.0</td>' in page.text
    assert '<td class="num col-extra">8,000,000\xa0KZT</td>' in page.text


def test_board_page_without_scores_shows_dashes(client):
    program, apps, boss = _program()
    unjudged = submitted_application(program, requested_amount=Decimal("1000000"))
    client.force_login(boss)
    page = client.get(reverse("admin:startups_program_board", args=[program.pk]))
    row = next(r for r in page.context["page"].object_list if r.pk == unjudged.pk)
    assert (row.rank, row.raw_display, row.norm_display, row.se_display) == (5, "—", "—", "—")
    assert row.spread_display == "—"


def test_ranking_rows_are_the_ranking_as_plain_values():
    program, _apps, _boss = _program()
    rows = list(ranking_rows(program, normalised=False))
    assert set(rows[0]) == set(RANKING_FIELDS)
    expected = [
        {
            "pk": a.pk,
            "status": a.status,
            "requested_amount": a.requested_amount,
            "startup__name": a.startup.name,
            "startup__sector": a.startup.sector,
            "startup__region": a.startup.region,
            "startup__country": a.startup.country,
            "raw_score": a.raw_score,
            "norm_score": a.norm_score,
            "reviews": a.reviews,
            "spread": a.spread,
            "score": a.score,
            "score_se": a.score_se,
            "rank": a.rank,
            "running_requested": a.running_requested,
        }
        for a in ranking(program, normalised=False)
    ]
    assert rows == expected
    assert [r["startup__name"] for r in rows] == ["Delta", "Charlie", "Alpha", "Bravo"]


def test_rank_applications_prints_the_ranking_rows(capsys):
    program, _apps, _boss = _program()
    call_command("rank_applications", program.slug, "--csv")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("rank,application,startup,")
    assert [line.split(",")[2] for line in lines[1:]] == ["Delta", "Charlie", "Alpha", "Bravo"]
    assert lines[3].split(",")[3:10] == [
        "agritech",
        "KZ",
        "70.000",
        "69.837",
        "2",
        "10.000",
        "3000000.00",
    ]
