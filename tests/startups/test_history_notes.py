"""History notes stored as codes with parameters, read in the reader's language."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import translation

from portal import history_notes
from programs.services import selection
from startups.enums import ApplicationStatus as S
from startups.models import ApplicationStatusChange, Program
from startups.workflow import application_transition
from tests.factories import ProgramFactory, StartupFactory, UserFactory, manager

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("startups.migrations.0006_trilingual_content_and_coded_notes")


def _kazakh(text: str) -> str:
    with translation.override("kk"):
        return str(translation.gettext(text))


def test_a_note_made_in_english_reads_in_kazakh(client):
    founder = UserFactory(preferred_language="kk")
    from tests.factories import submitted_application

    application = submitted_application(
        ProgramFactory(closed=True), startup=StartupFactory(owner=founder)
    )
    with translation.override("en"):
        change = application_transition(
            application=application,
            to=S.UNDER_REVIEW,
            actor=manager(),
            note_code=history_notes.DECIDED,
        )
    change.refresh_from_db()
    assert (change.note_code, change.note_params, change.note) == ("decided", {}, "")
    assert _kazakh("Decided.") == "Шешім қабылданды."
    with translation.override("kk"):
        assert change.note_display == "Шешім қабылданды."
    with translation.override("en"):
        assert change.note_display == "Decided."

    client.force_login(founder)
    page = client.get(application.get_absolute_url())
    assert page.status_code == 200
    assert "Шешім қабылданды." in page.text
    assert "Decided." not in page.text


def test_an_exception_keeps_its_parameters_and_the_persons_note_as_written():
    from tests.factories import submitted_application

    program = ProgramFactory(closed=True, reviews_per_application=3)
    application = submitted_application(program, startup=StartupFactory(owner=UserFactory()))
    with translation.override("ru"):
        selection.application_decide(
            application=application,
            decision=S.SELECTED,
            actor=manager(),
            note="Сильная команда",
            exception_reason="Комиссия встретилась с командой",
        )
    change = ApplicationStatusChange.objects.get(application=application, to_status=S.SELECTED)
    assert change.note_code == history_notes.SELECTED_EXCEPTION
    assert change.note_params == {
        "call_open": True,
        "reviews": 0,
        "required": 3,
        "reason": "Комиссия встретилась с командой",
    }
    assert change.note == "Сильная команда"
    with translation.override("en"):
        assert change.note_display == (
            "Selected as an exception (the call is still open; it has 0 of 3 submitted "
            "reviews): "
            "Комиссия встретилась с командой\nСильная команда"
        )


def test_admin_history_shows_the_note_in_the_readers_language(client):
    from tests.factories import submitted_application

    application = submitted_application(ProgramFactory(closed=True))
    application_transition(
        application=application,
        to=S.UNDER_REVIEW,
        actor=None,
        note_code=history_notes.REVIEWERS_ASSIGNED,
    )
    boss = manager(preferred_language="ru")
    client.force_login(boss)
    url = reverse("admin:startups_application_change", args=[application.pk])
    page = client.get(url)
    assert page.status_code == 200
    with translation.override("ru"):
        expected = str(translation.gettext("Reviewers assigned."))
    assert expected != "Reviewers assigned."
    assert expected in page.text


def test_migration_turns_known_sentences_in_any_language_into_codes():
    from tests.factories import submitted_application

    application = submitted_application(ProgramFactory())
    with translation.override("ru"):
        russian = str(translation.gettext("Award agreement signed."))
    assert russian != "Award agreement signed."
    rows = {
        text: ApplicationStatusChange.objects.create(
            application=application, from_status=S.SUBMITTED, to_status=S.UNDER_REVIEW, note=text
        )
        for text in ("Decided.", russian, _kazakh("Decisions finalised."), "Our own words.")
    }

    MIGRATION.notes_to_codes(apps, None)

    found = {
        text: ApplicationStatusChange.objects.values_list("note_code", "note").get(pk=row.pk)
        for text, row in rows.items()
    }
    assert found == {
        "Decided.": ("decided", ""),
        russian: ("award_signed", ""),
        _kazakh("Decisions finalised."): ("decisions_finalised", ""),
        "Our own words.": ("", "Our own words."),
    }


def test_migration_puts_old_texts_in_the_main_language_column():
    program = ProgramFactory(name_en="Seed grants")
    criterion = program.criteria.create(name_en="Team")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE programs_program SET main_language = 'ru', name = 'Гранты', "
            "description = 'Описание', name_en = NULL, name_ru = NULL WHERE id = %s",
            [program.pk],
        )
        cursor.execute(
            "UPDATE programs_criterion SET name = 'Команда', guidance = 'Сможет?', "
            "name_en = NULL WHERE id = %s",
            [criterion.pk],
        )

    MIGRATION.texts_to_main_language(apps, None)

    program = Program.objects.get(pk=program.pk)
    assert (program.name_ru, program.description_ru, program.name_en) == (
        "Гранты",
        "Описание",
        None,
    )
    criterion = program.criteria.get()
    assert (criterion.name_ru, criterion.guidance_ru) == ("Команда", "Сможет?")
    with translation.override("kk"):
        assert (program.name, criterion.name) == ("Гранты", "Команда")
