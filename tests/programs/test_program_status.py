"""A program's status moves only through the admin actions that call its service."""

import pytest
from django.urls import reverse

from portal.exceptions import NotAllowed
from portal.models import AuditEntry
from portal.transitions import TransitionRefused
from programs.forms import ProgramAdminForm
from programs.services.programs import program_change_status
from startups.enums import ProgramStatus
from startups.models import Program
from tests.factories import ProgramFactory, UserFactory, manager, reviewer

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:startups_program_changelist"


def _action(client, action, *programs):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [p.pk for p in programs]},
        follow=True,
    )


def test_admin_form_does_not_offer_the_status():
    assert "status" not in ProgramAdminForm.base_fields


def test_open_the_call_moves_a_draft_and_audits_it(client):
    boss = manager()
    program = ProgramFactory(status=ProgramStatus.DRAFT)
    client.force_login(boss)
    response = _action(client, "open_call", program)
    program.refresh_from_db()
    assert program.status == ProgramStatus.OPEN
    entry = AuditEntry.objects.get(action="program.status", object_id=str(program.pk))
    assert (entry.actor, entry.before, entry.after) == (
        boss,
        {"status": "draft"},
        {"status": "open"},
    )
    assert [str(m) for m in response.context["messages"]] == [f"{program.name} is now “Open”."]


def test_a_refused_move_is_a_message_and_changes_nothing(client):
    client.force_login(manager())
    program = ProgramFactory(status=ProgramStatus.DRAFT)
    response = _action(client, "close_program", program)
    program.refresh_from_db()
    assert program.status == ProgramStatus.DRAFT
    assert not AuditEntry.objects.filter(action="program.status").exists()
    assert [str(m) for m in response.context["messages"]] == [
        f"{program.name}: A program cannot go from “Draft” to “Closed”."
    ]


@pytest.mark.parametrize(
    ("action", "source", "target"),
    [
        ("start_reviewing", ProgramStatus.OPEN, ProgramStatus.REVIEWING),
        ("mark_decided", ProgramStatus.REVIEWING, ProgramStatus.DECIDED),
        ("close_program", ProgramStatus.DECIDED, ProgramStatus.CLOSED),
    ],
)
def test_each_action_makes_its_move(client, action, source, target):
    client.force_login(manager())
    program = ProgramFactory(status=source)
    _action(client, action, program)
    program.refresh_from_db()
    assert program.status == target


def test_saving_the_change_form_with_a_status_leaves_it_alone(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    program = ProgramFactory(status=ProgramStatus.DRAFT)
    url = reverse("admin:startups_program_change", args=[program.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    data.update({"status": "closed", "criteria-TOTAL_FORMS": "0", "criteria-INITIAL_FORMS": "0"})
    client.post(url, data)
    program.refresh_from_db()
    assert program.status == ProgramStatus.DRAFT


def test_the_actions_are_the_managers_alone(client):
    client.force_login(reviewer())
    program = ProgramFactory(status=ProgramStatus.DRAFT)
    _action(client, "open_call", program)
    program.refresh_from_db()
    assert program.status == ProgramStatus.DRAFT


def test_the_service_refuses_a_non_manager_and_an_unknown_move():
    program = ProgramFactory(status=ProgramStatus.DRAFT)
    with pytest.raises(NotAllowed):
        program_change_status(program=program, to=ProgramStatus.OPEN, actor=reviewer())
    with pytest.raises(TransitionRefused):
        program_change_status(program=program, to=ProgramStatus.DECIDED, actor=manager())
    assert Program.objects.get(pk=program.pk).status == ProgramStatus.DRAFT
