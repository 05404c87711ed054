"""The admin dashboard's "Reported comments" panel, for those who may hide or keep a comment.

Registered with Wagtail's ``construct_homepage_panels`` hook
(https://docs.wagtail.org/en/stable/reference/hooks.html#construct-homepage-panels).
"""

from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.permission_policies import ModelPermissionPolicy

from .models import Comment

permission_policy = ModelPermissionPolicy(Comment)


def may_moderate_comments(user):
    return permission_policy.user_has_permission(user, "change")


class ReportedCommentsPanel(Component):
    name = "reported_comments"
    template_name = "comments/admin/dashboard_panel.html"
    # Just before Wagtail's "Awaiting your review" (220): both are work waiting.
    order = 205

    def get_context_data(self, parent_context):
        waiting = Comment.objects.waiting_for_decision()
        return {
            "count": waiting.count(),
            "newest": waiting.select_related("page", "author").order_by("-created_at", "-pk")[:5],
            "list_url": reverse("member_comments:index") + "?waiting=true",
        }
