"""The Celery application for Annex.

Every task derives from AnnexTask (governance/core/tasks.py): late acknowledgement, ids as
arguments, and the worker's own time limits (messages carry none).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

app = Celery("governance", task_cls="governance.core.tasks:AnnexTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
