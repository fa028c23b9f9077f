"""The program's texts in three languages, side by side in the admin, without a CSP violation."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from startups.enums import ProgramStatus
from startups.models import Program
from tests.browser.test_admin_flow import _admin_login
from tests.factories import CriterionFactory, ProgramFactory, manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_writes_the_three_languages_side_by_side(new_context, live_server):
    boss = manager()
    program = ProgramFactory(name="Seed grants", status=ProgramStatus.DRAFT)
    CriterionFactory(program=program, name="Team")
    context = new_context()
    page = _admin_login(context, boss)
    url = reverse("admin:startups_program_change", args=[program.pk])
    page.goto(url)

    row = page.locator(".form-row.field-name_en.field-name_ru.field-name_kk").first
    expect(row.locator("label")).to_have_text(
        ["Name (English):", "Name (Russian):", "Name (Kazakh):"]
    )
    # The three boxes stand on one line.
    tops = {
        round(page.locator(f"#id_name_{code}").bounding_box()["y"]) for code in ("en", "ru", "kk")
    }
    assert len(tops) == 1
    page.fill("#id_name_ru", "Посевные гранты")
    page.fill("#id_name_kk", "Бастапқы гранттар")
    page.fill("#id_criteria-0-name_kk", "Команда")
    page.locator("input[name=_continue]").click()
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    expect(page.locator("ul.messagelist li.success")).to_have_count(1)

    program = Program.objects.get(pk=program.pk)
    assert (program.name_en, program.name_ru, program.name_kk) == (
        "Seed grants",
        "Посевные гранты",
        "Бастапқы гранттар",
    )
    assert program.criteria.get().name_kk == "Команда"
    assert context.problems == []
