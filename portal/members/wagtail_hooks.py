"""The 'Members' menu item where the programme team approves new members.

See https://docs.wagtail.org/en/stable/extending/generic_views.html
"""

from django.urls import path
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.log_actions import LogFormatter

from .admin_views import ApproveView, DeclineView, MemberIndexView, ReviewView, review_url
from .approval import APPROVE_ACTION, DECLINE_ACTION
from .dashboard import MembersWaitingPanel, may_approve_members
from .models import MemberProfile


class MemberIndex(MemberIndexView):
    def get_list_more_buttons(self, instance):
        return [ListingButton("Review", review_url(instance), icon_name="user", priority=5)]


class MemberViewSet(ModelViewSet):
    model = MemberProfile
    name = "members_admin"
    url_prefix = "members"
    icon = "group"
    menu_label = "Members"
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = MemberIndex
    list_filter = ["status"]
    # Not a search-indexed model, so Wagtail searches these with the database.
    search_fields = [
        "user__first_name",
        "user__last_name",
        "user__email",
        "organisation__name",
        "requested_organisation",
    ]
    form_fields = ["organisation", "role"]
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("review/<int:pk>/", ReviewView.as_view(), name="review"),
            path("review/<int:pk>/approve/", ApproveView.as_view(), name="approve"),
            path("review/<int:pk>/decline/", DeclineView.as_view(), name="decline"),
        ]


@hooks.register("register_admin_viewset")
def register_member_viewset():
    return MemberViewSet()


@hooks.register("register_log_actions")
def register_member_log_actions(actions):
    @actions.register_action(APPROVE_ACTION)
    class Approve(LogFormatter):
        label = "Approve member"

        def format_message(self, log_entry):
            organisation = log_entry.data.get("organisation")
            return f"Approved as a member of {organisation}" if organisation else "Approved as a member"

    actions.register_action(DECLINE_ACTION, "Decline member", "Declined as a member")


@hooks.register("construct_homepage_panels")
def add_members_waiting_panel(request, panels):
    if may_approve_members(request.user):
        panels.append(MembersWaitingPanel())
