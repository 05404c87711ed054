"""A "Comments" menu in the admin for the programme team, and the log actions it writes."""

from wagtail import hooks

from .admin_views import CommentViewSet


@hooks.register("register_admin_viewset")
def register_comment_viewset():
    return CommentViewSet()


@hooks.register("register_log_actions")
def register_comment_log_actions(actions):
    actions.register_action("comments.hide", "Hide comment", "Comment hidden from the page")
    actions.register_action("comments.restore", "Restore comment", "Comment restored to the page")
