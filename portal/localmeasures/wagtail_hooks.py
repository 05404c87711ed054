"""Local measures in the admin: defined by the programme team under Roadmap's neighbour, 'Local measures'."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import LocalMeasure


class LocalMeasureViewSet(SnippetViewSet):
    model = LocalMeasure
    icon = "table"
    menu_label = "Local measures"
    menu_name = "local-measures"
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["name", "kind", "programme_measure"]
    list_filter = ["kind", "settings"]


register_snippet(LocalMeasureViewSet)
