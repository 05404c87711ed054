"""Recording a status changes public pages: empty the page caches of them.

Named after the model it listens to (as cfpb's purge receivers are), so a save
elsewhere costs nothing. ``content_changed`` replaces the app cache's
generation and, once the transaction commits, asks the proxy to purge the
roadmap and listings plus the pages this status shows on: the change idea's
page and feed, the organisation's page and the organisations list.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse

from portal.core.purge import content_changed

from .models import ChangeIdeaStatus


def affected_paths(status):
    idea, organisation = status.change_idea, status.organisation
    return [
        idea.get_absolute_url(),
        reverse("feeds:change_idea_atom", args=[idea.slug]),
        organisation.get_absolute_url(),
        reverse("organisations:list"),
    ]


@receiver(post_save, sender=ChangeIdeaStatus, dispatch_uid="improvement_status_saved")
@receiver(post_delete, sender=ChangeIdeaStatus, dispatch_uid="improvement_status_deleted")
def status_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        content_changed(affected_paths(instance))


@receiver(m2m_changed, sender=ChangeIdeaStatus.learning_notes.through, dispatch_uid="improvement_status_learning")
def status_learning_changed(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, ChangeIdeaStatus):
        content_changed(affected_paths(instance))
