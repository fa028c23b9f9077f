from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.forms import ProgramAdminForm
from startups.enums import ProgramStatus
from tests.factories import CriterionFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_program_list_open_first_with_places(client):
    ProgramFactory(name="Closed One", status=ProgramStatus.DECIDED, closed=True)
    ProgramFactory(name="Open Later Deadline", closes_at=timezone.now() + timedelta(days=20))
    ProgramFactory(name="Open Soon Deadline", closes_at=timezone.now() + timedelta(days=2))
    ProgramFactory(name="Hidden Draft", draft=True)
    page = client.get(reverse("programs:list"))
    names = [p.name for p in page.context["page"].object_list]
    assert names == ["Open Soon Deadline", "Open Later Deadline", "Closed One"]
    assert "50 projects will be funded" in page.text
    assert "closes in" in page.text


def test_program_detail_shows_criteria_and_apply_while_open(client):
    program = ProgramFactory(selection_cap=1)
    CriterionFactory(program=program, name="Innovation", weight=3)
    page = client.get(program.get_absolute_url())
    assert "Innovation" in page.text
    assert "1 project will be funded" in page.text
    assert reverse("startups:apply", args=[program.slug]) in page.text


def test_program_detail_closed_has_no_apply(client):
    program = ProgramFactory(closed=True)
    page = client.get(program.get_absolute_url())
    assert reverse("startups:apply", args=[program.slug]) not in page.text


def test_program_detail_dates_in_almaty_time(client):
    program = ProgramFactory(
        opens_at=datetime(2026, 1, 1, 4, 0, tzinfo=UTC),
        closes_at=datetime(2099, 3, 1, 13, 0, tzinfo=UTC),  # 18:00 in Almaty (UTC+5)
    )
    page = client.get(program.get_absolute_url())
    assert "March 1, 2099, 6 p.m." in page.text
    assert "Asia/Almaty" in page.text


def test_program_detail_in_russian(client):
    program = ProgramFactory(closes_at=datetime(2099, 3, 1, 13, 0, tzinfo=UTC))
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    page = client.get(program.get_absolute_url())
    assert "1 марта 2099" in page.text


def test_draft_program_is_not_found(client):
    program = ProgramFactory(draft=True)
    assert client.get(program.get_absolute_url()).status_code == 404


def test_home_lists_open_programs(client):
    ProgramFactory(name="Startup Kazakhstan 2026")
    assert "Startup Kazakhstan 2026" in client.get("/").text


@pytest.mark.parametrize("rows", [2, 30])
def test_program_list_query_count_does_not_grow(client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        ProgramFactory()
    with django_assert_max_num_queries(3):
        assert client.get(reverse("programs:list")).status_code == 200


def _admin_form(**overrides):
    data = {
        "name": "P",
        "slug": "p",
        "status": "open",
        "currency": "KZT",
        "total_budget": "1000",
        "max_amount_per_project": "100",
        "selection_cap": "50",
        "opens_at": "2026-01-01 00:00",
        "closes_at": "2026-02-01 00:00",
        "timezone": "Asia/Almaty",
        "eligible_countries": ["KZ"],
        "min_team_size": "1",
        "reviews_per_application": "3",
        "disagreement_threshold": "20",
    }
    data.update(overrides)
    return ProgramAdminForm(data)


def test_admin_form_valid():
    form = _admin_form()
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"closes_at": "2025-12-01 00:00"}, "closes_at"),
        ({"max_amount_per_project": "5000"}, "max_amount_per_project"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"eligible_countries": []}, "eligible_countries"),
        ({"total_budget": "-1"}, "total_budget"),
        ({"selection_cap": "0"}, "selection_cap"),
    ],
)
def test_admin_form_rejects_bad_values(overrides, field):
    form = _admin_form(**overrides)
    assert not form.is_valid()
    assert field in form.errors
