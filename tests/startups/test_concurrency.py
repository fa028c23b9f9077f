"""Real concurrent transactions on PostgreSQL: drafts and applications."""

import threading

import pytest
from django.db import connection

from startups import services
from startups.models import Application
from tests.factories import ApplicationFactory, ProgramFactory, StartupFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_together(functions):
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def runner(i, fn):
        try:
            barrier.wait()
            results[i] = ("ok", fn())
        except Exception as exc:  # the outcome is what the test inspects
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_concurrent_saves_of_same_version_one_wins():
    user = UserFactory()
    application = ApplicationFactory(startup=StartupFactory(owner=user))

    def save(text):
        return lambda: services.application_save_draft(
            application=Application.objects.get(pk=application.pk),
            actor=user,
            data={"problem": text},
            expected_version=1,
        )

    results = _run_together([save(f"writer {i}") for i in range(8)])
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error"] * 7 + ["ok"]
    assert all(isinstance(v, services.StaleEdit) for kind, v in results if kind == "error")
    application.refresh_from_db()
    assert application.version == 2
    winner = next(v for kind, v in results if kind == "ok")
    assert application.problem == winner.problem


def test_concurrent_starts_make_one_application():
    user = UserFactory()
    startup = StartupFactory(owner=user)
    program = ProgramFactory()
    results = _run_together(
        [
            lambda: services.application_start(startup=startup, program=program, actor=user)[0].pk
            for _ in range(6)
        ]
    )
    assert {kind for kind, _ in results} == {"ok"}
    assert len({pk for _, pk in results}) == 1
    assert Application.objects.filter(startup=startup, program=program).count() == 1


def test_concurrent_double_submit_records_one_transition():
    user = UserFactory()
    application = ApplicationFactory(startup=StartupFactory(owner=user), complete=True)
    results = _run_together(
        [
            lambda: services.application_submit(application=application, actor=user),
            lambda: services.application_submit(application=application, actor=user),
        ]
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.status_changes.filter(to_status="submitted").count() == 1
