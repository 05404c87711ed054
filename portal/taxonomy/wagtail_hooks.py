"""One 'Taxonomy' menu in the admin for settings, safety domains and organisations.

See https://docs.wagtail.org/en/stable/topics/snippets/customising.html#snippetviewsetgroup
"""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Organisation, SafetyDomain, Setting


class SettingViewSet(SnippetViewSet):
    model = Setting
    icon = "site"
    menu_label = "Care settings"
    list_display = ["name", "slug"]


class SafetyDomainViewSet(SnippetViewSet):
    model = SafetyDomain
    icon = "pick"
    menu_label = "Safety domains"
    list_display = ["name", "guiding_question"]


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    list_display = ["name", "setting", "locality"]
    list_filter = ["setting"]
    search_fields = ["name", "locality"]


class TaxonomyViewSetGroup(SnippetViewSetGroup):
    items = (SettingViewSet, SafetyDomainViewSet, OrganisationViewSet)
    menu_icon = "tag"
    menu_label = "Taxonomy"
    menu_name = "taxonomy"


register_snippet(TaxonomyViewSetGroup)
