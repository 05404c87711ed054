"""One 'Roadmap' menu in the admin for everything the roadmap pages show."""

from django.urls import path
from wagtail import hooks
from wagtail.admin.widgets import ListingButton
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import ChangeIdea, Driver, Measure, Milestone, Workstream
from .views import UPLOAD_LOG_ACTION, DataPointUploadView, MeasureEditView, upload_url


class WorkstreamViewSet(SnippetViewSet):
    model = Workstream
    icon = "list-ul"
    menu_label = "Workstreams"
    list_display = ["title", "lead_organisation"]


class DriverViewSet(SnippetViewSet):
    model = Driver
    icon = "site"
    menu_label = "Drivers"
    list_display = ["title", "parent"]


class ChangeIdeaViewSet(SnippetViewSet):
    model = ChangeIdea
    icon = "pick"
    menu_label = "Change ideas"
    list_display = ["title", "driver"]


class MilestoneViewSet(SnippetViewSet):
    model = Milestone
    icon = "date"
    menu_label = "Milestones"
    list_display = ["title", "workstream", "planned_date", "status"]
    list_filter = ["workstream", "status"]


class MeasureViewSet(SnippetViewSet):
    model = Measure
    icon = "table"
    menu_label = "Measures"
    list_display = ["name", "safety_domain", "chart_type"]
    list_filter = ["safety_domain", "chart_type"]
    edit_view_class = MeasureEditView


class RoadmapViewSetGroup(SnippetViewSetGroup):
    items = (WorkstreamViewSet, DriverViewSet, ChangeIdeaViewSet, MilestoneViewSet, MeasureViewSet)
    menu_icon = "doc-full-inverse"
    menu_label = "Roadmap"
    menu_name = "roadmap"


register_snippet(RoadmapViewSetGroup)


# Uploading a measure's data points from a CSV file -------------------------------


@hooks.register("register_admin_urls")
def register_data_point_upload_url():
    return [path("roadmap/measures/<int:pk>/upload/", DataPointUploadView.as_view(), name="roadmap_measure_upload")]


@hooks.register("register_snippet_listing_buttons")
def data_point_upload_listing_button(snippet, user, next_url=None):
    if isinstance(snippet, Measure) and user.has_perm("roadmap.change_measure"):
        yield ListingButton("Upload data (CSV)", upload_url(snippet), icon_name="upload", priority=30)


@hooks.register("register_log_actions")
def register_roadmap_log_actions(actions):
    @actions.register_action(UPLOAD_LOG_ACTION)
    class UploadDataPoints(LogFormatter):
        label = "Upload data points"

        def format_message(self, log_entry):
            data = log_entry.data
            added, replaced = data.get("added", 0), data.get("replaced", 0)
            return f"Uploaded {data.get('file', 'a CSV file')}: {added} added, {replaced} replaced"
