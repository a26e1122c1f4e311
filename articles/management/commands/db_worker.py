"""`manage.py db_worker`: django-tasks-db's worker, which no locked database kills.

Its claim loop begins an exclusive transaction before the handler that rides out a locked SQLite database, so
a write holding SQLite's lock past the timeout ended an idle worker with an OperationalError and left its
queue unserved. Here the worker starts again after a pause; any other error still stops it. A worker that
starts also makes sure the feeds' polling task is queued (a worker killed during a poll took it along).
(INSTALLED_APPS lists `articles` before `django_tasks_db`, so this command is the one `manage.py` runs.)
"""

import logging
import time

from django.conf import settings
from django.db import OperationalError
from django_tasks_db.management.commands import db_worker
from django_tasks_db.utils import is_locked_database_exception

from articles.feeds import schedule as schedule_feeds

logger = logging.getLogger(__name__)


class Command(db_worker.Command):
    help = db_worker.Command.help

    def handle(self, *args, **options) -> None:
        schedule_feeds()
        while True:
            try:
                return super().handle(*args, **options)
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                logger.warning("database locked while claiming a task (%s): the worker starts again", error)
                time.sleep(settings.WORKER_RETRY_SECONDS)
