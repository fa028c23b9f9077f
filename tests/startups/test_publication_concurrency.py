"""The consent and the decision on real concurrent transactions (PostgreSQL).

A team changing its consent while the manager decides must not slip its
change in after the decision: the consent service locks the application
row the decision holds, then reads the status the decision left.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from portal.exceptions import DomainError
from startups.enums import ApplicationStatus
from startups.models import Application
from startups.publication import application_set_publication
from startups.workflow import application_transition
from tests.factories import ApplicationFactory, ProgramFactory, StartupFactory, UserFactory, manager

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_consent_waits_for_a_decision_in_progress_and_is_then_refused():
    founder = UserFactory()
    application = ApplicationFactory(
        program=ProgramFactory(closed=True),
        startup=StartupFactory(owner=founder),
        status=ApplicationStatus.UNDER_REVIEW,
        complete=True,
    )
    boss = manager()
    deciding = threading.Event()
    outcome: dict[str, object] = {}

    def decide():
        try:
            with transaction.atomic():
                application_transition(
                    application=Application.objects.get(pk=application.pk),
                    to=ApplicationStatus.SELECTED,
                    actor=boss,
                )
                deciding.set()
                time.sleep(0.5)  # the team's request arrives while the decision is open
        finally:
            connection.close()

    def consent():
        try:
            deciding.wait(10)
            application_set_publication(
                application=Application.objects.get(pk=application.pk),
                actor=founder,
                consent=True,
                pitch="Robots for farms",
            )
            outcome["result"] = "saved"
        except DomainError as error:
            outcome["result"] = error.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=decide), threading.Thread(target=consent)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome["result"] == (
        "After the decision the consent to publication can no longer change."
    )
    application.refresh_from_db()
    assert (application.status, application.publish_consent, application.one_line_pitch) == (
        ApplicationStatus.SELECTED,
        False,
        "",
    )
