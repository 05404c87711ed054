"""Admin views for the roadmap: uploading a measure's data points from a CSV file.

The view is registered with the ``register_admin_urls`` hook (wagtail_hooks.py),
so Wagtail's admin login and access checks wrap it; on top of that only people
who may change measures can use it. Parsing and checking the file is
``portal.roadmap.csv_import``'s job; this view saves the rows, all or nothing.
"""

from django.contrib.admin.utils import quote
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import Button
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import EditView

from portal.core.purge import content_changed

from .csv_import import MAX_UPLOAD_BYTES, parse_data_points
from .forms import DataPointUploadForm
from .models import DataPoint, Measure

UPLOAD_LOG_ACTION = "roadmap.upload_data_points"
ERRORS_SHOWN = 200


def upload_url(measure):
    return reverse("roadmap_measure_upload", args=[measure.pk])


def edit_url(measure):
    return reverse("wagtailsnippets_roadmap_measure:edit", args=[quote(measure.pk)])


class DataPointUploadView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    permission_policy = ModelPermissionPolicy(Measure)
    permission_required = "change"
    form_class = DataPointUploadForm
    template_name = "roadmap/admin/upload.html"
    header_icon = "upload"

    @cached_property
    def measure(self):
        return get_object_or_404(Measure, pk=self.kwargs["pk"])

    def get_page_title(self):
        return "Upload data points"

    def get_page_subtitle(self):
        return self.measure.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailsnippets_roadmap_measure:list"), "label": "Measures"},
            {"url": edit_url(self.measure), "label": self.measure.name},
            {"url": "", "label": "Upload data points"},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        errors = getattr(self, "upload_errors", [])
        context.update(
            measure=self.measure,
            action_url=upload_url(self.measure),
            measure_edit_url=edit_url(self.measure),
            submit_button_label="Upload",
            submit_button_active_label="Uploading…",
            upload_errors=errors[:ERRORS_SHOWN],
            more_errors=max(len(errors) - ERRORS_SHOWN, 0),
            point_count=self.measure.data_points.count(),
        )
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        # No need to read more than the limit to know a file is too big.
        parsed = parse_data_points(upload.read(MAX_UPLOAD_BYTES + 1), unit=self.measure.unit)
        if not parsed.ok:
            self.upload_errors = parsed.errors
            form.add_error(
                "file", "Nothing was saved: the file has the problems listed above. Fix them and upload it again."
            )
            return self.form_invalid(form)

        added, replaced = save_data_points(self.measure, parsed.rows)
        log(
            instance=self.measure,
            action=UPLOAD_LOG_ACTION,
            data={"file": upload.name, "added": added, "replaced": replaced},
        )
        messages.success(
            self.request,
            f"Uploaded {upload.name} to ‘{self.measure.name}’: {added} data point{'s' if added != 1 else ''} added "
            f"and {replaced} replaced.",
        )
        return redirect(edit_url(self.measure))


@transaction.atomic
def save_data_points(measure, rows):
    """Add new dates and replace values for dates already there. Returns (added, replaced)."""
    existing = {point.date: point for point in DataPoint.objects.select_for_update().filter(measure=measure)}
    to_add, to_replace = [], []
    for date, value in rows:
        if date in existing:
            existing[date].value = value
            to_replace.append(existing[date])
        else:
            to_add.append(DataPoint(measure=measure, date=date, value=value))
    DataPoint.objects.bulk_update(to_replace, ["value"])
    DataPoint.objects.bulk_create(to_add)
    # Bulk writes send no save signals: say that content changed, so the page
    # cache and the measure's kept chart (RoadmapPage.measure) show the new values.
    content_changed()
    return len(to_add), len(to_replace)


class MeasureEditView(EditView):
    """The usual snippet edit view with 'Upload data points (CSV)' in its header menu."""

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.user_has_permission_for_instance("change", self.object):
            buttons.append(
                Button("Upload data points (CSV)", url=upload_url(self.object), icon_name="upload", priority=5)
            )
        return buttons
