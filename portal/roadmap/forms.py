"""Forms behind the roadmap's public filters and the admin's data upload.

The public forms follow ``portal.core.listing``: a value that names nothing is
explained next to its field and then ignored, never a server error.
"""

from django import forms
from django.template.defaultfilters import filesizeformat

from portal.core.listing import SlugChoiceField
from portal.taxonomy.models import SafetyDomain, Setting

from .csv_import import MAX_MAGNITUDE, MAX_UPLOAD_BYTES
from .models.snippets import Milestone, Workstream


class MilestoneFilterForm(forms.Form):
    workstream = SlugChoiceField(Workstream.objects.all(), "workstream", label="Workstream")
    setting = SlugChoiceField(Setting.objects.all(), "care setting", label="Care setting")
    domain = SlugChoiceField(SafetyDomain.objects.all(), "safety domain", label="Safety domain")
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *Milestone.Status.choices],
        error_messages={"invalid_choice": "There is no status with that name. Showing every status instead."},
    )

    def cleaned_filters(self):
        """The valid filters chosen, ignoring any that named nothing."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields if self.cleaned_data.get(name)}

    def label_for(self, name, value):
        """How an active filter reads on its chip, e.g. 'Status: At risk'."""
        if name == "status":
            value = Milestone.Status(value).label
        return f"{self.fields[name].label}: {value}"


class BaselineForm(forms.Form):
    """Recalculate a chart's centre line (and limits) from its first N points."""

    # A text box with a numeric keypad rather than type=number, which would throw away
    # anything typed that is not a number instead of showing it back with the error.
    baseline = forms.IntegerField(
        label="Number of points in the baseline",
        required=False,
        help_text="The centre line is worked out from this many of the earliest points, then extended.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, data, *, point_count):
        super().__init__(data)
        self.point_count = point_count
        field = self.fields["baseline"]
        field.error_messages["invalid"] = self.out_of_range_message()
        self.fields["baseline"].help_text = (
            f"A whole number from 2 to {point_count}. The centre line is worked out from this many of the "
            "earliest points, then extended across the rest."
        )

    def clean_baseline(self):
        value = self.cleaned_data["baseline"]
        if value is not None and not 2 <= value <= self.point_count:
            raise forms.ValidationError(self.out_of_range_message())
        return value

    def out_of_range_message(self):
        return f"Enter a whole number from 2 to {self.point_count}. Showing the measure's usual baseline instead."

    def chosen_baseline(self):
        """The baseline asked for, or None when it was missing or not valid."""
        return self.cleaned_data.get("baseline") if self.is_bound and self.is_valid() else None


class DataPointUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "A UTF-8 CSV file, at most "
            f"{filesizeformat(MAX_UPLOAD_BYTES)}, whose first line is date,value and whose other lines are "
            "like 2024-03-01,12.5. Each value must lie between "
            f"-{MAX_MAGNITUDE:,} and {MAX_MAGNITUDE:,}. Values for dates already on the measure are replaced; "
            "new dates are added."
        ),
    )
