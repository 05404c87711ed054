"""One 'Safety culture' menu in the admin: frameworks, their dimensions (with the five level
descriptions inline) and rounds. Answers are deliberately not in the admin at all."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .admin_forms import RoundAdminForm
from .models import Dimension, Framework, Round


class FrameworkViewSet(SnippetViewSet):
    model = Framework
    icon = "list-ol"
    menu_label = "Frameworks"
    list_display = ["name"]


class DimensionViewSet(SnippetViewSet):
    model = Dimension
    icon = "list-ul"
    menu_label = "Dimensions"
    list_display = ["name", "framework", "sort_order"]
    list_filter = ["framework"]


class RoundViewSet(SnippetViewSet):
    model = Round
    icon = "date"
    menu_label = "Rounds"
    list_display = ["title", "organisation", "opens_on", "closes_on", "facilitator_name"]
    edit_handler = ObjectList(Round.panels, base_form_class=RoundAdminForm)
    list_filter = ["framework", "organisation"]


class CultureViewSetGroup(SnippetViewSetGroup):
    items = (FrameworkViewSet, DimensionViewSet, RoundViewSet)
    menu_icon = "group"
    menu_label = "Safety culture"
    menu_name = "culture"


register_snippet(CultureViewSetGroup)


@hooks.register("register_snippet_listing_buttons")
def round_listing_buttons(snippet, user, next_url=None):
    """Results and private links live on the public site, where facilitators work too."""
    if isinstance(snippet, Round):
        yield ListingButton("Results", reverse("culture:round", args=[snippet.pk]), icon_name="view", priority=30)
        yield ListingButton(
            "Create private links", reverse("culture:links", args=[snippet.pk]), icon_name="link", priority=31
        )
