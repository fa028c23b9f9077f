"""Log record fields shared by every handler: the Celery task id.

The request id comes from django-guid (`django_guid.log_filters.CorrelationId`),
which also hands it to the tasks a request queues; this filter adds the id of
the task being run, so one e-mail's lines can be found in the worker's log.
"""

import logging


class TaskIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from celery import current_task

        request = getattr(current_task, "request", None) if current_task else None
        record.task_id = getattr(request, "id", None) or "-"
        return True
