"""A panel on the admin dashboard for work waiting for a decision (members to approve, reported comments).

Each app's panel says what is waiting, which few to show and where the full list is;
this base counts them and shows the panel only to those who may change the model.
Registered with Wagtail's ``construct_homepage_panels`` hook
(https://docs.wagtail.org/en/stable/reference/hooks.html#construct-homepage-panels).
"""

from functools import cache

from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.permission_policies import ModelPermissionPolicy


@cache
def permission_policy(model):
    return ModelPermissionPolicy(model)


class WaitingWorkPanel(Component):
    model = None  # whoever may change it sees the panel
    list_url_name = ""  # the admin listing of everything waiting
    list_query = ""  # the listing's filter for what is waiting

    @classmethod
    def shown_to(cls, user):
        return permission_policy(cls.model).user_has_permission(user, "change")

    def waiting(self):
        raise NotImplementedError

    def first_few(self, waiting):
        """The template's list of a few waiting items, by the name the template uses."""
        raise NotImplementedError

    def get_context_data(self, parent_context):
        waiting = self.waiting()
        return {
            "count": waiting.count(),
            **self.first_few(waiting),
            "list_url": reverse(self.list_url_name) + self.list_query,
        }
