"""Program and Criterion moved from `programs` to `startups` without touching the data.

The migrations run backwards to the state before the move, rows are written
through the historical models there, and the migrations run forwards again:
the rows, the content type ids, the permissions and the managers' group
permissions come out the same, now under the `startups` label.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from programs.roles import PROGRAM_MANAGERS
from startups.enums import ProgramStatus
from startups.models import Criterion, Program
from tests.factories import manager

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [
    ("programs", "0005_free_text_validators"),
    ("startups", "0002_free_text_validators_and_deck_pages"),
]
AFTER = [
    ("programs", "0006_program_criterion_moved_to_startups"),
    ("startups", "0003_program_criterion_moved_from_programs"),
]
MODEL_PERMISSIONS = {
    "program": {"add_program", "change_program", "delete_program", "view_program"},
    "criterion": {"add_criterion", "change_criterion", "delete_criterion", "view_criterion"},
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor.loader.project_state(targets).apps


def _latest():
    """Every app's last migration: where the suite's database must be left."""
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _content_type_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, app_label FROM django_content_type "
            "WHERE model IN ('program', 'criterion') ORDER BY model"
        )
        return cursor.fetchall()


def test_program_move_keeps_rows_content_types_and_permissions():
    manager()  # the roles exist even after an earlier transactional test's flush
    program_ct = ContentType.objects.get(app_label="startups", model="program")
    criterion_ct = ContentType.objects.get(app_label="startups", model="criterion")
    permission_ids = {
        model: dict(Permission.objects.filter(content_type=ct).values_list("codename", "id"))
        for model, ct in (("program", program_ct), ("criterion", criterion_ct))
    }
    assert {m: set(p) for m, p in permission_ids.items()} == MODEL_PERMISSIONS

    old_apps = _migrate(BEFORE)

    # Before the move: the same content type rows, under the old label.
    assert _content_type_rows() == [
        (criterion_ct.pk, "programs"),
        (program_ct.pk, "programs"),
    ]
    OldProgram = old_apps.get_model("programs", "Program")
    OldCriterion = old_apps.get_model("programs", "Criterion")
    assert OldProgram._meta.db_table == "programs_program"
    old = OldProgram.objects.create(
        name="Startup Kazakhstan 2026",
        slug="sk-2026",
        total_budget=Decimal("1000000000.00"),
        max_amount_per_project=Decimal("20000000.00"),
        opens_at=datetime(2026, 3, 1, tzinfo=UTC),
        closes_at=datetime(2026, 4, 1, tzinfo=UTC),
        status=ProgramStatus.OPEN,
        committed=Decimal("5000000.00"),
    )
    OldCriterion.objects.create(program=old, name="Team", weight=Decimal("2.00"), position=1)

    _migrate(AFTER)

    assert _content_type_rows() == [
        (criterion_ct.pk, "startups"),
        (program_ct.pk, "startups"),
    ]
    for model, ct in (("program", program_ct), ("criterion", criterion_ct)):
        assert (
            dict(Permission.objects.filter(content_type_id=ct.pk).values_list("codename", "id"))
            == permission_ids[model]
        )
    # The current models have the fields later migrations add: read them there.
    _migrate(_latest())
    program = Program.objects.get(pk=old.pk)
    assert (program.name, program.slug, program.committed, program.total_budget) == (
        "Startup Kazakhstan 2026",
        "sk-2026",
        Decimal("5000000.00"),
        Decimal("1000000000.00"),
    )
    assert list(Criterion.objects.filter(program=program).values_list("name", "weight")) == [
        ("Team", Decimal("2.00"))
    ]
    # The texts went into the main language's columns.
    assert (program.main_language, program.name_en, program.name_ru) == (
        "en",
        "Startup Kazakhstan 2026",
        None,
    )
    # The managers' group kept its permission rows, now asked by the new label.
    user = manager()
    assert user.groups.get().name == PROGRAM_MANAGERS
    assert user.has_perm("startups.change_program") is True
    assert user.has_perm("startups.delete_criterion") is True
    assert user.has_perm("startups.delete_program") is False


def test_models_and_migrations_agree():
    # A model change without its migration (or a state the move left behind)
    # makes this command exit with an error.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
