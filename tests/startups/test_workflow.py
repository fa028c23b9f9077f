import itertools

import pytest

from portal.models import AuditEntry
from portal.transitions import TransitionRefused
from startups.enums import ApplicationStatus as S
from startups.models import Application, ApplicationStatusChange
from startups.workflow import TRANSITIONS, application_transition
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

ALLOWED = {
    (S.DRAFT, S.SUBMITTED),
    (S.DRAFT, S.WITHDRAWN),
    (S.SUBMITTED, S.UNDER_REVIEW),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.UNDER_REVIEW, S.SELECTED),
    (S.UNDER_REVIEW, S.WAITLISTED),
    (S.UNDER_REVIEW, S.REJECTED),
    (S.UNDER_REVIEW, S.WITHDRAWN),
    (S.WAITLISTED, S.SELECTED),
    (S.WAITLISTED, S.REJECTED),
    (S.WAITLISTED, S.WITHDRAWN),
    (S.SELECTED, S.FUNDED),
    (S.SELECTED, S.WITHDRAWN),
    (S.FUNDED, S.COMPLETED),
    (S.COMPLETED, S.FUNDED),  # a reversed payment leaves the award short again
}
PAIRS = [(a, b) for a, b in itertools.product(S, S) if a != b]


def test_transition_table_matches_the_design():
    table = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == ALLOWED
    assert set(TRANSITIONS) == set(S)


def _application_in(status):
    application = ApplicationFactory()
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_transition_allowed_moves_and_writes_history(
    source, target, django_capture_on_commit_callbacks
):
    application = _application_in(source)
    actor = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        change = application_transition(application=application, to=target, actor=actor, note="n")
    application.refresh_from_db()
    assert application.status == target
    assert (change.from_status, change.to_status, change.actor, change.note) == (
        source,
        target,
        actor,
        "n",
    )
    audit = AuditEntry.objects.get(action="application.status", object_id=str(application.pk))
    assert (audit.before, audit.after, audit.actor) == (
        {"status": source.value},
        {"status": target.value},
        actor,
    )


@pytest.mark.parametrize(("source", "target"), sorted(set(PAIRS) - ALLOWED))
def test_transition_refused_raises_and_changes_nothing(source, target):
    application = _application_in(source)
    with pytest.raises(TransitionRefused) as info:
        application_transition(application=application, to=target, actor=None)
    assert str(source.label) in str(info.value)
    assert str(target.label) in str(info.value)
    application.refresh_from_db()
    assert application.status == source
    assert not ApplicationStatusChange.objects.filter(application=application).exists()
    assert not AuditEntry.objects.filter(action="application.status").exists()


def test_transition_to_same_status_is_a_no_op():
    application = _application_in(S.SUBMITTED)
    assert application_transition(application=application, to=S.SUBMITTED, actor=None) is None
    assert not ApplicationStatusChange.objects.filter(application=application).exists()


def test_transition_submitted_sets_submitted_at():
    application = _application_in(S.DRAFT)
    application_transition(application=application, to=S.SUBMITTED, actor=None)
    application.refresh_from_db()
    assert application.submitted_at is not None


def test_transition_unknown_status_is_an_error():
    application = _application_in(S.DRAFT)
    with pytest.raises(ValueError):
        application_transition(application=application, to="approved", actor=None)


def test_bulk_transition_moves_all_with_history_and_audit():
    from startups.workflow import applications_transition

    apps = [_application_in(S.SUBMITTED) for _ in range(3)] + [_application_in(S.UNDER_REVIEW)]
    actor = UserFactory()
    changes = applications_transition(
        applications=apps, to=S.UNDER_REVIEW, actor=actor, note="bulk"
    )
    assert len(changes) == 3  # the one already under review is left alone
    assert sorted(c.application_id for c in changes) == sorted(a.pk for a in apps[:3])
    assert {(c.from_status, c.to_status, c.actor, c.note) for c in changes} == {
        (S.SUBMITTED, S.UNDER_REVIEW, actor, "bulk")
    }
    assert all(c.pk for c in changes)
    assert set(Application.objects.values_list("status", flat=True)) == {S.UNDER_REVIEW}
    assert AuditEntry.objects.filter(action="application.status").count() == 3


def test_bulk_transition_one_refused_refuses_all():
    from startups.workflow import applications_transition

    ok, refused = _application_in(S.SUBMITTED), _application_in(S.DRAFT)
    with pytest.raises(TransitionRefused):
        applications_transition(applications=[ok, refused], to=S.UNDER_REVIEW, actor=None)
    ok.refresh_from_db()
    assert ok.status == S.SUBMITTED
    assert not ApplicationStatusChange.objects.exists()
