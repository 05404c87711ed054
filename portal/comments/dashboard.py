"""The admin dashboard's "Reported comments" panel, for those who may hide or keep a comment."""

from portal.core.dashboard import WaitingWorkPanel

from .models import Comment


class ReportedCommentsPanel(WaitingWorkPanel):
    name = "reported_comments"
    template_name = "comments/admin/dashboard_panel.html"
    # Just before Wagtail's "Awaiting your review" (220): both are work waiting.
    order = 205
    model = Comment
    list_url_name = "member_comments:index"
    list_query = "?waiting=true"

    def waiting(self):
        return Comment.objects.waiting_for_decision()

    def first_few(self, waiting):
        return {"newest": waiting.select_related("page", "author").order_by("-created_at", "-pk")[:5]}


may_moderate_comments = ReportedCommentsPanel.shown_to
