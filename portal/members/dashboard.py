"""The admin dashboard's "Members waiting for approval" panel, for those who may approve them.

Registered with Wagtail's ``construct_homepage_panels`` hook
(https://docs.wagtail.org/en/stable/reference/hooks.html#construct-homepage-panels).
"""

from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.permission_policies import ModelPermissionPolicy

from .models import MemberProfile

permission_policy = ModelPermissionPolicy(MemberProfile)


def may_approve_members(user):
    return permission_policy.user_has_permission(user, "change")


class MembersWaitingPanel(Component):
    name = "members_waiting"
    template_name = "members/admin/dashboard_panel.html"
    order = 206

    def get_context_data(self, parent_context):
        waiting = MemberProfile.objects.pending()
        return {
            "count": waiting.count(),
            "oldest": waiting.select_related("user", "organisation").order_by("created_at", "pk")[:5],
            "list_url": reverse("members_admin:index") + "?status=pending",
        }
