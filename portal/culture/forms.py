"""Forms for answering a round, creating private links and running the debrief."""

import datetime

from django import forms
from django.utils import timezone

from portal.core.forms import readable_length_limits

from .models import Action, DebriefItem, Level, Round

LEVEL_CHOICES = [(str(value), label) for value, label in Level.choices]
COMMENT_MAX = 2000


#: Dates are typed as day, month and year in one box; the hint shows exactly this shape.
DATE_FORMATS = ["%d %m %Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


def date_field(label, hint, error_example, required_message):
    """A date typed in a plain text box, "1 3 2027" style (slashes and ISO dates work too).
    A browser's own date picker shows the date in its own format, which no hint could match."""
    return forms.DateField(
        label=label,
        help_text=hint,
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "autocomplete": "off"}),
        error_messages={
            "required": required_message,
            "invalid": f"Enter a real date as day, month and year, like {error_example}.",
        },
    )


class TamperedForm(Exception):
    """The form posted fields this round never asked for: nothing is saved."""


class AnswerForm(forms.Form):
    """One level (radios) and one optional comment for every dimension of the round's framework.

    "Save and finish later" keeps whatever is filled in; "Send my answers" needs a level for
    every dimension. Fields are named after dimension ids, so a field for a dimension outside
    this framework is refused outright (``TamperedForm``) rather than quietly ignored.
    """

    def __init__(self, *args, dimensions, finishing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = list(dimensions)
        self.finishing = finishing
        for dimension in self.dimensions:
            self.fields[f"level_{dimension.pk}"] = forms.ChoiceField(
                label=dimension.name,
                choices=LEVEL_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choose one of the five levels shown."},
            )
            self.fields[f"comment_{dimension.pk}"] = forms.CharField(
                label=f"Comment on {dimension.name.lower()} (optional)",
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="Do not include names or anything that could identify you or a patient.",
                error_messages={
                    "max_length": f"Keep your comment on {dimension.name.lower()} to %(limit_value)s characters "
                    "or fewer (it has %(show_value)s)."
                },
            )
        readable_length_limits(self)
        if self.data:
            expected = set(self.fields)
            posted = {key for key in self.data if key.startswith(("level_", "comment_"))}
            if posted - expected:
                raise TamperedForm

    def clean(self):
        cleaned = super().clean()
        if self.finishing:
            for dimension in self.dimensions:
                name = f"level_{dimension.pk}"
                if name not in self.errors and not cleaned.get(name):
                    message = f"Choose the level that best describes your team for {dimension.name.lower()}."
                    self.add_error(name, message)
        return cleaned

    def rows(self):
        """For the template: each dimension with its two bound fields."""
        return [(d, self[f"level_{d.pk}"], self[f"comment_{d.pk}"]) for d in self.dimensions]

    def answers(self):
        """``{dimension_id: (level or None, comment)}`` from valid data."""
        result = {}
        for dimension in self.dimensions:
            level = self.cleaned_data.get(f"level_{dimension.pk}")
            result[dimension.pk] = (int(level) if level else None, self.cleaned_data.get(f"comment_{dimension.pk}", ""))
        return result


class CreateLinksForm(forms.Form):
    number = forms.IntegerField(
        label="How many private links",
        min_value=1,
        max_value=200,
        help_text="One for each person who will answer. Each link works once. Between 1 and 200.",
        error_messages={
            "required": "Enter how many links you need.",
            "invalid": "Enter a whole number, like 12.",
            "min_value": "Enter a number of links of 1 or more.",
            "max_value": "Enter a number of links of 200 or fewer.",
        },
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "numeric"}),
    )


class DebriefItemForm(forms.ModelForm):
    agreed_level = forms.TypedChoiceField(
        label="The level the team agreed",
        choices=LEVEL_CHOICES,
        coerce=int,
        empty_value=None,
        required=True,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the level the team agreed.",
            "invalid_choice": "Choose one of the five levels shown.",
        },
    )

    def __init__(self, *args, require_level=True, **kwargs):
        """The level is needed to save the agreed level; when the facilitator adds an action
        instead, notes typed meanwhile are kept even if no level has been chosen yet."""
        super().__init__(*args, **kwargs)
        self.fields["agreed_level"].required = require_level
        self.fields["notes"].error_messages["max_length"] = (
            "Keep the notes to %(limit_value)s characters or fewer (it has %(show_value)s)."
        )
        readable_length_limits(self)

    class Meta:
        model = DebriefItem
        fields = ["agreed_level", "notes"]
        labels = {"notes": "Notes from the discussion (optional)"}
        help_texts = {"notes": "What the team said about why views differed. No names of patients."}
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class ActionForm(forms.ModelForm):
    due_on = date_field("Due date", "For example, 31 3 2027.", "31 3 2027", "Enter a due date.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].error_messages["max_length"] = (
            "Keep the action to %(limit_value)s characters or fewer (it has %(show_value)s)."
        )
        self.fields["owner"].error_messages["max_length"] = (
            "Keep who will do it to %(limit_value)s characters or fewer (it has %(show_value)s)."
        )
        readable_length_limits(self)
        if self.instance.pk and not self.is_bound:
            self.initial["due_on"] = _day_month_year(self.instance.due_on)

    class Meta:
        model = Action
        fields = ["what", "owner", "due_on"]
        labels = {"what": "Action", "owner": "Who will do it"}
        help_texts = {
            "what": "What the team will do, in a sentence.",
            "owner": "A name or a role, for example 'Practice manager'.",
        }
        error_messages = {
            "what": {"required": "Enter what the team will do."},
            "owner": {"required": "Enter who will do it."},
        }


def _day_month_year(date):
    return f"{date.day} {date.month} {date.year}" if date else ""


class OpenRoundForm(forms.ModelForm):
    """A facilitator opens a round for their own organisation from the public site."""

    opens_on = date_field(
        "First day to answer", "For example, 1 3 2027. Today or later.", "1 3 2027", "Enter the first day to answer."
    )
    closes_on = date_field(
        "Last day to answer",
        "For example, 21 3 2027. Three weeks gives people time to answer.",
        "21 3 2027",
        "Enter the last day to answer.",
    )

    class Meta:
        model = Round
        fields = ["title", "opens_on", "closes_on"]
        labels = {"title": "Name of the round"}
        help_texts = {"title": "For example 'Spring 2027'. The people answering see it."}
        error_messages = {"title": {"required": "Enter a name for the round, like Spring 2027."}}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["title"].error_messages["max_length"] = (
            "The name of the round must be %(limit_value)s characters or fewer (it has %(show_value)s)."
        )
        readable_length_limits(self)
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("opens_on", _day_month_year(today))
            self.initial.setdefault("closes_on", _day_month_year(today + datetime.timedelta(days=21)))

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        #: The round already using this name, so the page can link to it.
        self.existing_round = Round.objects.filter(organisation=self.organisation, title__iexact=title).first()
        if self.existing_round:
            raise forms.ValidationError(
                f"{self.organisation.name} already has a round called '{self.existing_round.title}'. "
                "Choose another name, or go to that round."
            )
        return title

    def clean(self):
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and opens_on < timezone.localdate():
            self.add_error("opens_on", "The first day to answer must be today or later.")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", "The last day to answer must be on or after the first day.")
        return cleaned
