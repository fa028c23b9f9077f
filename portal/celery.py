"""The portal's Celery application.

Configuration comes from Django settings under the CELERY_ namespace (see
portal/settings.py for the reliability choices); tasks are found in each
installed app's tasks.py.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
