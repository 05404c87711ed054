"""Recording a status changes public pages: empty the page caches of them.

Named after the model it listens to (as cfpb's purge receivers are), so a save
elsewhere costs nothing. ``content_changed`` replaces the app cache's
generation and, once the transaction commits, asks the proxy to purge the
roadmap and listings plus the pages this status shows on: the change idea's
page and feed, the organisation's page and the organisations list.

An edit of an organisation or a change idea (in the admin) is purged by
``portal.core.purge``, which listens to those models; ``organisation_paths``
and ``change_idea_paths``, registered from ``ImprovementConfig.ready``, add
the pages of this app that show them.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse

from portal.core.purge import content_changed

from .models import ChangeIdeaStatus


def change_idea_pages(slug):
    return [reverse("change_ideas:detail", args=[slug]), reverse("feeds:change_idea_atom", args=[slug])]


def organisation_paths(organisation):
    """Its page, the list, and the page and feed of each change idea it has a status for (they name it)."""
    slugs = (
        ChangeIdeaStatus.objects.filter(organisation=organisation)
        .values_list("change_idea__slug", flat=True)
        .distinct()
        .order_by()
    )
    paths = [reverse("organisations:detail", args=[organisation.slug]), reverse("organisations:list")]
    for slug in slugs:
        paths += change_idea_pages(slug)
    return paths


def change_idea_paths(idea):
    """Its page and feed, and the page of each organisation with a status for it (they name it), and the list."""
    slugs = (
        ChangeIdeaStatus.objects.filter(change_idea=idea)
        .values_list("organisation__slug", flat=True)
        .distinct()
        .order_by()
    )
    paths = [*change_idea_pages(idea.slug), reverse("organisations:list")]
    paths += [reverse("organisations:detail", args=[slug]) for slug in slugs]
    return paths


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
