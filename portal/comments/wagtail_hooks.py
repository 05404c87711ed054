"""A "Comments" menu in the admin for the programme team, and the log actions it writes."""

from wagtail import hooks

from .admin_views import CommentViewSet
from .dashboard import ReportedCommentsPanel, may_moderate_comments


@hooks.register("register_admin_viewset")
def register_comment_viewset():
    return CommentViewSet()


@hooks.register("register_log_actions")
def register_comment_log_actions(actions):
    actions.register_action("comments.hide", "Hide comment", "Comment hidden from the page")
    actions.register_action("comments.restore", "Restore comment", "Comment restored to the page")
    actions.register_action("comments.keep", "Keep comment", "Reports read; comment kept on the page")


@hooks.register("construct_homepage_panels")
def add_reported_comments_panel(request, panels):
    if may_moderate_comments(request.user):
        panels.append(ReportedCommentsPanel())
