"""The email outbox's background task, run by django-tasks as the search index's is.

Without a ``TASKS`` setting django-tasks' immediate backend runs it as soon as
it is enqueued, which ``queue_email`` does once the change has committed
(development and tests). In production the database backend only records it,
and the worker (``manage.py db_worker``, started by ``make serve`` and
deploy/systemd/portal-worker.service) runs it, outside any request. It takes
no arguments: the emails themselves stay in the outbox (docs/reliability.md).
"""

from django_tasks import task

from .sending import send_waiting


@task()
def send_outbox():
    """Send every waiting email that is due; failures stay waiting for the next run."""
    return send_waiting().as_dict()
