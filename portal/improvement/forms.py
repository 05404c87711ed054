"""The phone-first form a member uses to record their organisation's status for a change idea."""

from django import forms
from django.utils import timezone

from learning.models import LearningNotePage
from portal.roadmap.models import ChangeIdea

from .models import ChangeIdeaStatus


class ChangeIdeaStatusForm(forms.ModelForm):
    """A new status row for ``organisation``; the model says what is allowed (date, reason)."""

    change_idea = forms.ModelChoiceField(
        queryset=ChangeIdea.objects.order_by("title"),
        label="Change idea",
        empty_label="Choose a change idea",
        help_text="The change idea from the programme's driver diagram.",
        error_messages={"required": "Choose a change idea", "invalid_choice": "Choose a change idea from the list"},
    )
    status = forms.ChoiceField(
        choices=[("", "Choose a status"), *ChangeIdeaStatus.Status.choices],
        label="Status",
        help_text="Planning: getting ready. Testing: trying it on a small scale. "
        "Adopted: it is how you work now. Abandoned: you stopped, and why is useful to others.",
        error_messages={"required": "Choose a status", "invalid_choice": "Choose a status from the list"},
    )
    took_effect_on = forms.DateField(
        label="Since when",
        help_text="The date this status began: today or earlier, and not before 1 January 2000.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date this status began",
            "invalid": "Enter a real date, such as 1 March 2026",
        },
    )
    reason = forms.CharField(
        label="Reason or note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Needed if you abandoned it: why did you stop? Write about the service, never about a resident or patient."
        ),
    )

    class Meta:
        model = ChangeIdeaStatus
        fields = ["change_idea", "status", "took_effect_on", "reason", "learning_notes"]
        labels = {"learning_notes": "Your learning notes about it (optional)"}
        help_texts = {"learning_notes": "Published learning notes from your organisation that tell the story."}
        widgets = {"learning_notes": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        notes = LearningNotePage.objects.live().filter(organisation=organisation).order_by("-date", "title")
        self.fields["learning_notes"].queryset = notes
        self.fields["learning_notes"].error_messages["invalid_choice"] = (
            "Choose from your organisation's learning notes"
        )
        if not notes.exists():
            del self.fields["learning_notes"]
        if not self.is_bound:
            self.initial.setdefault("took_effect_on", timezone.localdate())

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()
