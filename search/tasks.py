"""Background tasks of the search app, run by django-tasks as Wagtail's own are.

Without a ``TASKS`` setting django-tasks uses its immediate backend, which runs
a task as soon as it is enqueued (here: once the publishing transaction has
committed). A project with a worker queue gets the same behaviour in the
background.
"""

from django_tasks import task

from search.elasticsearch.indexing import RECOVERY_BATCHES, send_pending


@task()
def send_index_outbox():
    """Send every pending change to Elasticsearch; failures stay pending for the next run."""
    return send_pending().as_dict()


@task()
def replay_index_outbox():
    """Once the cluster answers again after a failure: send what waited, at most ``RECOVERY_BATCHES`` batches.

    Bounded because with the immediate backend it runs inside the request
    that noticed the recovery; ``search_outbox --replay`` from cron sends the rest.
    """
    return send_pending(max_batches=RECOVERY_BATCHES).as_dict()
