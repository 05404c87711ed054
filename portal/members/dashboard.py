"""The admin dashboard's "Members waiting for approval" panel, for those who may approve them."""

from portal.core.dashboard import WaitingWorkPanel

from .models import MemberProfile


class MembersWaitingPanel(WaitingWorkPanel):
    name = "members_waiting"
    template_name = "members/admin/dashboard_panel.html"
    order = 206
    model = MemberProfile
    list_url_name = "members_admin:index"
    list_query = "?status=pending"

    def waiting(self):
        return MemberProfile.objects.pending()

    def first_few(self, waiting):
        return {"oldest": waiting.select_related("user", "organisation").order_by("created_at", "pk")[:5]}


may_approve_members = MembersWaitingPanel.shown_to
