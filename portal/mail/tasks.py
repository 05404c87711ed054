"""The email outbox's background task, run by django-tasks as the search index's is.

Without a ``TASKS`` setting django-tasks' immediate backend runs it as soon as
it is enqueued, which ``queue_email`` does once the change has committed. In
production a django-tasks worker runs it instead (docs/reliability.md).
"""

from django_tasks import task

from .outbox import send_waiting


@task()
def send_outbox():
    """Send every waiting email that is due; failures stay waiting for the next run."""
    return send_waiting().as_dict()
