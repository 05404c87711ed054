"""The "Email outbox" screen under Settings in the admin, for the programme team."""

from wagtail import hooks

from .admin_views import OutboxEmailViewSet


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return OutboxEmailViewSet()
