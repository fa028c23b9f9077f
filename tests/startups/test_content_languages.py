"""Program and criterion texts in three languages, with the program's own fallback."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from programs.services import selection
from startups.enums import ProgramStatus
from startups.models import Criterion, Membership, Program
from tests.factories import (
    CriterionFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    submitted_application,
)

pytestmark = pytest.mark.django_db

UNREVIEWED = "The commission met the team."


def _russian_only_program(**kwargs) -> Program:
    with translation.override("ru"):
        program = ProgramFactory(
            name="Стартап Казахстан",
            description="Гранты для стартапов.",
            main_language="ru",
            **kwargs,
        )
        CriterionFactory(program=program, name="Команда", guidance="Сможет ли команда?")
    return Program.objects.get(pk=program.pk)


def test_program_written_only_in_russian_reads_russian_in_english_and_kazakh():
    program = _russian_only_program()
    assert (program.name_en, program.name_kk, program.name_ru) == (None, None, "Стартап Казахстан")
    for language in ("en", "kk", "ru"):
        with translation.override(language):
            assert program.name == "Стартап Казахстан"
            assert program.description == "Гранты для стартапов."
            criterion = program.criteria.get()
            assert (criterion.name, criterion.guidance) == ("Команда", "Сможет ли команда?")


def test_each_language_reads_its_own_text_and_a_missing_one_falls_back_to_the_main():
    program = ProgramFactory(
        name_en="Seed grants", name_ru="Посевные гранты", name_kk="", main_language="ru"
    )
    program = Program.objects.get(pk=program.pk)
    with translation.override("en"):
        assert program.name == "Seed grants"
    with translation.override("ru"):
        assert program.name == "Посевные гранты"
    # Kazakh is empty: the main language (Russian) comes before English.
    with translation.override("kk"):
        assert program.name == "Посевные гранты"
    program.main_language = "en"
    with translation.override("kk"):
        assert program.name == "Seed grants"


def test_the_plain_column_keeps_the_main_language_text_whatever_the_saver_reads():
    with translation.override("en"):
        program = ProgramFactory(name_en="Seed grants", name_ru="Гранты", main_language="ru")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM programs_program WHERE id = %s", [program.pk])
        assert cursor.fetchone()[0] == "Гранты"


def test_criteria_beside_scores_cost_no_query_for_their_program():
    program = _russian_only_program()
    criterion_id = program.criteria.get().pk
    criterion = Criterion.objects.get(pk=criterion_id)
    with CaptureQueriesContext(connection) as queries, translation.override("en"):
        assert criterion.name == "Команда"
    assert len(queries) == 0


def _change_form_data(client, url):
    form = client.get(url).context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update({"criteria-TOTAL_FORMS": "0", "criteria-INITIAL_FORMS": "0"})
    data.update({"report_sections-TOTAL_FORMS": "0", "report_sections-INITIAL_FORMS": "0"})
    for key in ("opens_at", "closes_at", "review_deadline"):
        value = data.pop(key)
        if value:
            local = value.astimezone()
            data[f"{key}_0"], data[f"{key}_1"] = local.date().isoformat(), local.strftime("%H:%M")
        else:
            data[f"{key}_0"] = data[f"{key}_1"] = ""
    return data


def test_admin_change_form_shows_the_three_languages_side_by_side_and_saves_them(client):
    client.force_login(manager())
    program = ProgramFactory(name="Seed grants", status=ProgramStatus.DRAFT)
    url = reverse("admin:startups_program_change", args=[program.pk])
    page = client.get(url)
    rows = [tuple(line.fields) for fieldset in page.context["adminform"] for line in fieldset]
    for field in ("name", "description", "decision_message"):
        assert (f"{field}_en", f"{field}_ru", f"{field}_kk") in rows
    form = page.context["adminform"].form
    assert [str(form.fields[f"name_{code}"].label) for code in ("en", "ru", "kk")] == [
        "Name (English)",
        "Name (Russian)",
        "Name (Kazakh)",
    ]
    assert "form-multiline field-name_en field-name_ru field-name_kk" in page.text
    assert "Name (Russian):</label>" in page.text

    data = _change_form_data(client, url)
    data.update(
        {
            "name_en": "Seed grants",
            "name_ru": "Посевные гранты",
            "name_kk": "Бастапқы гранттар",
            "decision_message_kk": "Қатысқаныңыз үшін рақмет.",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    program.refresh_from_db()
    assert (program.name_en, program.name_ru, program.name_kk) == (
        "Seed grants",
        "Посевные гранты",
        "Бастапқы гранттар",
    )
    assert program.decision_message_kk == "Қатысқаныңыз үшін рақмет."


def test_admin_refuses_a_program_without_a_name_in_its_main_language(client):
    client.force_login(manager())
    program = ProgramFactory(name="Seed grants", status=ProgramStatus.DRAFT)
    url = reverse("admin:startups_program_change", args=[program.pk])
    data = _change_form_data(client, url)
    data.update({"main_language": "kk", "name_ru": "Гранты"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["name_kk"]
    program.refresh_from_db()
    assert program.main_language == "en"


def test_admin_search_finds_a_program_by_its_name_in_any_language(client):
    client.force_login(manager())
    ProgramFactory(name_en="Seed grants", name_kk="Бастапқы гранттар")
    ProgramFactory(name_en="Other call")
    changelist = reverse("admin:startups_program_changelist")
    for query in ("Бастапқы", "Seed"):
        found = client.get(changelist, {"q": query}).context["cl"].result_list
        assert [p.name_en for p in found] == ["Seed grants"]


def test_public_pages_show_each_language_its_text_and_follow_a_change(client):
    program = ProgramFactory(name_en="Seed grants", name_ru="Посевные гранты")
    url = program.get_absolute_url()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").text
    kazakh = client.get(url, HTTP_ACCEPT_LANGUAGE="kk").text
    assert "Seed grants" in english and "Посевные гранты" not in english
    assert "Посевные гранты" in russian
    # No Kazakh text: the main language (English).
    assert "Seed grants" in kazakh

    program = Program.objects.get(pk=program.pk)
    program.name_kk = "Бастапқы гранттар"
    program.save()
    assert "Бастапқы гранттар" in client.get(url, HTTP_ACCEPT_LANGUAGE="kk").text
    listing = client.get(reverse("programs:list"), HTTP_ACCEPT_LANGUAGE="kk")
    assert "Бастапқы гранттар" in listing.text


def test_decision_email_opens_with_the_programs_message_in_the_readers_language(
    django_capture_on_commit_callbacks,
):
    program = ProgramFactory(
        closed=True,
        name_en="Seed grants",
        name_kk="Бастапқы гранттар",
        decision_message_en="Thank you for applying.",
        decision_message_kk="Өтінім бергеніңіз үшін рақмет.",
        main_language="en",
    )
    owner = UserFactory(preferred_language="kk")
    application = submitted_application(program, startup=StartupFactory(owner=owner))
    member = UserFactory(preferred_language="ru")
    Membership.objects.create(startup=application.startup, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        selection.decisions_finalise(program=program, actor=manager())
    by_reader = {message.to[0]: message.body for message in mail.outbox}
    kazakh = by_reader[owner.email]
    assert "Өтінім бергеніңіз үшін рақмет." in kazakh
    assert "Бастапқы гранттар" in kazakh
    # No Russian message: the main language's (English).
    russian = by_reader[member.email]
    assert "Thank you for applying." in russian
    assert "Seed grants" in russian


def test_admin_adds_a_program_written_only_in_russian(client):
    client.force_login(manager())
    response = client.post(
        reverse("admin:startups_program_add"),
        {
            "main_language": "ru",
            "name_ru": "Стартап Казахстан",
            "description_ru": "Гранты.",
            "slug": "sk-ru",
            "currency": "KZT",
            "total_budget": "1000000000",
            "max_amount_per_project": "20000000",
            "selection_cap": "50",
            "opens_at_0": "2026-03-01",
            "opens_at_1": "09:00",
            "closes_at_0": "2026-04-01",
            "closes_at_1": "18:00",
            "timezone": "Asia/Almaty",
            "eligible_countries": ["KZ"],
            "min_team_size": "1",
            "reviews_per_application": "3",
            "disagreement_threshold": "20",
            "criteria-TOTAL_FORMS": "1",
            "criteria-INITIAL_FORMS": "0",
            "report_sections-TOTAL_FORMS": "0",
            "report_sections-INITIAL_FORMS": "0",
            "criteria-0-position": "0",
            "criteria-0-weight": "1",
            "criteria-0-scale_min": "1",
            "criteria-0-scale_max": "10",
            "criteria-0-name_ru": "Команда",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    program = Program.objects.get(slug="sk-ru")
    with translation.override("en"):
        assert (program.name, program.criteria.get().name) == ("Стартап Казахстан", "Команда")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM programs_program WHERE id = %s", [program.pk])
        assert cursor.fetchone()[0] == "Стартап Казахстан"
