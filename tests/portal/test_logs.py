"""One request id from the founder's click to the SMTP server's answer.

django-guid gives each request an id (returned as X-Request-ID) and hands
it to the Celery tasks the request queues; `portal.logs.TaskIdFilter` adds
the id of the task being run. Here a founder submits through the real view,
a real worker sends the mail, and both log lines carry the same request id.
"""

import json
import logging

import pytest
from django.urls import reverse
from django_guid.log_filters import CorrelationId

from portal.logs import TaskIdFilter
from portal.models import Notification, NotificationStatus
from tests.portal.test_notifications_broker import (
    _russian_team_application,
    _wait_for,
    live_worker,  # noqa: F401 (fixture)
)


class Records(logging.Handler):
    """Keeps the records of the portal's loggers, with the handler filters applied."""

    def __init__(self):
        super().__init__(level=logging.INFO)
        self.addFilter(CorrelationId())
        self.addFilter(TaskIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def records():
    handler = Records()
    loggers = [logging.getLogger(name) for name in ("portal.tasks", "portal.notifications")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield handler.records
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_task_id_outside_a_task_is_a_dash():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    assert TaskIdFilter().filter(record) is True
    assert record.task_id == "-"


def test_json_lines_carry_the_request_id(client, settings):
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(
        **{k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    )
    record = logging.LogRecord("portal.x", logging.WARNING, __file__, 1, "Hello %s", ("é",), None)
    record.correlation_id, record.task_id = "abc123", "-"
    line = json.loads(formatter.format(record))
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "portal.x", "Hello é")
    assert (line["request_id"], line["task_id"]) == ("abc123", "-")


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_request_id_from_the_click_to_the_smtp_answer(client, live_worker, records):  # noqa: F811
    founder, application = _russian_team_application()
    client.force_login(founder)
    response = client.post(reverse("startups:application_submit", args=[application.pk]))
    assert response.status_code == 302
    request_id = response["X-Request-ID"]
    assert _wait_for(
        lambda: Notification.objects.filter(status=NotificationStatus.SENT).count() == 1
    )
    queued = [r for r in records if r.getMessage().startswith("Queued notifications")]
    sent = [r for r in records if "accepted by the SMTP server" in r.getMessage()]
    assert [r.correlation_id for r in queued] == [request_id]
    assert [r.correlation_id for r in sent] == [request_id]
    assert queued[0].task_id == "-"  # logged by the web request
    assert sent[0].task_id not in {"-", None}  # logged inside the worker's task
