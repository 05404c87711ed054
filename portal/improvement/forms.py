"""The phone-first form a member uses to record their organisation's status for a change idea."""

from django import forms
from django.utils import timezone
from django.utils.dateformat import format as format_date

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
        self.organisation = organisation
        self.current = None  # the idea's current status here before this record, once cleaned
        self.already_recorded = False
        self.goes_into_history = False
        if self.is_bound and self.data.get("confirm"):
            self.fields["confirm"] = self._confirm_field()
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

    def clean(self):
        """Say what this record would do to the idea's current status before it is saved.

        The current status is the record that took effect last (``ChangeIdeaStatusQuerySet.current``), so:

        * a record the history already holds (same status, same date) saves nothing: ``already_recorded``
          (a double tap on the button, or sending the form again);
        * the same status as the current one from a later date would only move "since" later, hiding
          when it really began: refused, next to the status;
        * a record dated before the current status goes into the history and changes nothing shown:
          asked to confirm, saying so;
        * moving on from adopted or abandoned (testing it again, say) is asked to confirm.
        """
        cleaned = super().clean()
        idea, status, date = cleaned.get("change_idea"), cleaned.get("status"), cleaned.get("took_effect_on")
        confirmed = cleaned.pop("confirm", False)
        if idea is None or not status or date is None:
            self.fields.pop("confirm", None)
            return cleaned
        rows = ChangeIdeaStatus.objects.for_organisation(self.organisation).for_change_idea(idea)
        self.current = current = rows.newest_first().first()
        self.already_recorded = rows.filter(status=status, took_effect_on=date).exists()
        question = None
        if current is not None and not self.already_recorded:
            since = f"{current.get_status_display()} since {day(current.took_effect_on)}"
            new = ChangeIdeaStatus.Status(status).label
            if date < current.took_effect_on:
                self.goes_into_history = True
                instead = (
                    f"To make {new} the current status, give a date on or after {day(current.took_effect_on)}. Or"
                    if status != current.status
                    else "The history will then show both dates. If that is what you mean,"
                )
                question = (
                    f"This date is before the current status, {since}, so this record will go into the history "
                    f"and {current.get_status_display()} stays current. {instead} tick the box to add it to the "
                    "history.",
                    f"Yes, add it to the history: {current.get_status_display()} stays current",
                )
            elif status == current.status:
                self.add_error(
                    "status",
                    f"{self.organisation} has been {current.get_status_display().lower()} with this idea since "
                    f"{day(current.took_effect_on)}: that is already recorded. Choose another status if it "
                    "has changed.",
                )
            elif current.status in (ChangeIdeaStatus.Status.ADOPTED, ChangeIdeaStatus.Status.ABANDONED):
                doing = MOVE_PHRASES[status]
                question = (
                    f"This idea is currently {current.get_status_display().lower()} here, since "
                    f"{day(current.took_effect_on)}. Tick the box to record that you {doing}.",
                    f"Yes, record that we {doing}",
                )
        if question is None or confirmed:
            self.fields.pop("confirm", None)
        else:
            message, label = question
            self.fields["confirm"] = self._confirm_field(label)
            self.add_error("confirm", message)
        return cleaned

    @staticmethod
    def _confirm_field(label="Yes, record it"):
        return forms.BooleanField(label=label, required=False)


def day(date):
    """A date as people write it: 6 October 2026."""
    return format_date(date, "j F Y")


MOVE_PHRASES = {
    ChangeIdeaStatus.Status.PLANNING: "are planning it again",
    ChangeIdeaStatus.Status.TESTING: "are testing it again",
    ChangeIdeaStatus.Status.ADOPTED: "have adopted it",
    ChangeIdeaStatus.Status.ABANDONED: "have abandoned it",
}
