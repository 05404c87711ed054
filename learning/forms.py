"""The "Share learning" and "Report a peer visit" forms members fill in on the public site.

They edit the same fields an editor sees in the admin, with help text written
for someone on a phone between shifts. Topics are typed as words separated by
commas; up to ``PHOTO_SLOTS`` photos each need alt text (``learning.photo_forms``). A hidden one-time
``token`` identifies the form, so that sending it twice cannot make two pages.
"""

import re
import uuid

from django import forms
from django.utils import timezone
from taggit.utils import parse_tags

from portal.core.forms import ModelMultipleChoiceField, readable_length_limits
from portal.members.names import reserved_name_problem
from portal.taxonomy.models import Organisation, SafetyDomain, Setting

from .models import LearningNotePage, PeerVisitReportPage
from .photo_forms import PhotoFieldsMixin

# What to say when a required field is empty, in the NHS.UK style: what to do, not what went wrong.
REQUIRED_MESSAGES = {
    "title": "Enter a title",
    "summary": "Enter a summary",
    "date": "Enter the date",
    "author_name": "Enter your name",
    "what_we_tried": "Say what you tried",
    "what_happened": "Say what happened",
    "what_we_learned": "Say what you learned",
    "what_we_would_advise": "Say what you would advise another team",
    "settings": "Choose at least one care setting",
    "safety_domains": "Choose at least one safety domain",
    "host_organisation": "Choose the organisation that was visited",
    "visiting_organisations": "Choose the organisations the visitors came from",
    "focus": "Say what the visit was looking at",
    "what_works_well": "Say what works well",
    "what_could_be_better": "Say what could be better",
    "ideas_to_take_home": "Say which ideas you are taking home",
}
# What "Save as draft" and "Save and preview" ask for; "Send for review" asks for every required field.
DRAFT_REQUIRED = {"title", "token"}
MAX_TOPICS = 10
MAX_TOPIC_LENGTH = 50
# Anything in a topic but letters, digits, spaces, hyphens, apostrophes and ampersands.
TOPIC_NOISE = re.compile(r"[^\w\s'&-]|_")


def _tidy_topics(names):
    """Topics as people mean them: symbols and emoji dropped, spaces tidied, each topic once whatever its case.

    "Falls, FALLS, night staff 🌙" is two topics, "Falls" and "night staff",
    and with ``TAGGIT_CASE_INSENSITIVE`` "Falls" is the topic "falls" already
    in use, not a new one beside it (a phone capitalises the first word).
    """
    tidied, seen = [], set()
    for name in names:
        name = " ".join(TOPIC_NOISE.sub(" ", name).split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            tidied.append(name)
    return tidied


class ContributionForm(PhotoFieldsMixin, forms.ModelForm):
    """What both forms share: title, summary, date, tagging, photos and the token."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    topics = forms.CharField(
        required=False,
        max_length=300,
        label="Topics (optional)",
        help_text="A few words people might look for, separated by commas. For example: falls, hydration, night staff.",
    )

    text_fields = ()
    is_draft = False

    def __init__(self, *args, existing_photos=(), member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].help_text = "A short, plain title. For example: 'Drinks rounds at night cut falls'."
        self.fields["summary"].label = "Summary"
        self.fields["summary"].widget = forms.Textarea(attrs={"rows": 3, "maxlength": 300})
        self.fields["settings"].label = "Care settings"
        self.fields[
            "settings"
        ].help_text = "Tick every setting this could help. Choose 'Whole system' if it spans them."
        self.fields["settings"].widget = forms.CheckboxSelectMultiple()
        self.fields["settings"].queryset = Setting.objects.order_by("sort_order")
        self.fields["safety_domains"].label = "Safety domains"
        self.fields["safety_domains"].help_text = "Tick the questions about safety this helps to answer."
        self.fields["safety_domains"].widget = forms.CheckboxSelectMultiple()
        self.fields["safety_domains"].queryset = SafetyDomain.objects.order_by("sort_order")
        self.fields["date"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        for name in self.text_fields:
            self.fields[name].widget = forms.Textarea(attrs={"rows": 5})
        if self.instance.pk and not self.is_bound:
            self.initial.setdefault("topics", ", ".join(tag.name for tag in self.instance.tags.all()))
        self.add_photo_fields(existing_photos, member)
        self._word_the_error_messages()

    def _word_the_error_messages(self):
        for name, field in self.fields.items():
            if name in REQUIRED_MESSAGES:
                field.error_messages["required"] = REQUIRED_MESSAGES[name]
            field.error_messages["max_length"] = (
                f"{field.label} must be %(limit_value)s characters or fewer (it has %(show_value)s)"
            )
        readable_length_limits(self)
        self.fields["date"].error_messages["invalid"] = "Enter a real date, such as 15 March 2026"

    def check_as_draft(self):
        """Ask only for a title: a draft keeps whatever else is there, so it can be finished later.

        Values that are there are still checked (a real date, lengths, photos); the
        full checks run when the post is sent for review. A draft needs its title
        because that is how the member finds it again in "My contributions".
        """
        self.is_draft = True
        for name, field in self.fields.items():
            if name not in DRAFT_REQUIRED:
                field.required = False

    @property
    def main_fields(self):
        slot_fields = {"token", "topics"} | self.photo_field_names()
        return [self[name] for name in self.fields if name not in slot_fields]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date is None and self.is_draft:
            # The page must have a date; a draft saved without one takes today's, which the member can change.
            return timezone.localdate()
        if date and date > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return date

    def clean_topics(self):
        names = _tidy_topics(parse_tags(self.cleaned_data["topics"]))
        if len(names) > MAX_TOPICS:
            raise forms.ValidationError(f"Use at most {MAX_TOPICS} topics.")
        too_long = [name for name in names if len(name) > MAX_TOPIC_LENGTH]
        if too_long:
            raise forms.ValidationError(f"Keep each topic under {MAX_TOPIC_LENGTH} characters.")
        return names

    def clean(self):
        return self.clean_photos(super().clean())

    def link_errors_to_fields(self):
        """Point each field with a problem at its message, so that screen readers read them together."""
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            ids = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                ids.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)

    @classmethod
    def blank(cls, **kwargs):
        """A new, unbound form with a fresh one-time token."""
        initial = {"token": uuid.uuid4(), **kwargs.pop("initial", {})}
        return cls(initial=initial, **kwargs)


class LearningNoteForm(ContributionForm):
    text_fields = ("what_we_tried", "what_happened", "what_we_learned", "what_we_would_advise")

    def clean_author_name(self):
        """The programme's names are the programme team's here too (portal.members.names)."""
        name = self.cleaned_data["author_name"]
        problem = reserved_name_problem(name, self.member)
        if problem:
            raise forms.ValidationError(problem)
        return name

    class Meta:
        model = LearningNotePage
        field_classes = {"settings": ModelMultipleChoiceField, "safety_domains": ModelMultipleChoiceField}
        fields = [
            "title",
            "summary",
            "date",
            "author_name",
            "organisation",
            "what_we_tried",
            "what_happened",
            "what_we_learned",
            "what_we_would_advise",
            "settings",
            "safety_domains",
        ]
        labels = {
            "date": "When did this happen?",
            "author_name": "Your name",
            "organisation": "Your organisation (optional)",
            "what_we_tried": "What we tried",
            "what_happened": "What happened",
            "what_we_learned": "What we learned",
            "what_we_would_advise": "What we would advise",
        }
        help_texts = {
            "summary": "One or two sentences: what you changed and what difference it made. Up to 300 characters.",
            "date": "Roughly is fine: the day you started, or the day you wrote this up.",
            "author_name": "How you would like to be named on the page.",
            "organisation": "Leave it blank if you would rather not name your home or service.",
            "what_we_tried": "The change you made. Short sentences are fine.",
            "what_happened": "Include what did not go to plan. Others learn most from that.",
            "what_we_learned": "What you know now that you did not know before.",
            "what_we_would_advise": "One or two tips for another team trying the same thing.",
        }


class PeerVisitForm(ContributionForm):
    text_fields = ("what_works_well", "what_could_be_better", "ideas_to_take_home", "agreed_actions")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.order_by("name")
        self.fields["host_organisation"].queryset = organisations
        self.fields["host_organisation"].required = True
        # The widget first: setting the queryset gives the current widget its choices.
        self.fields["visiting_organisations"].widget = forms.CheckboxSelectMultiple()
        self.fields["visiting_organisations"].queryset = organisations

    def clean_visitors(self):
        """Each visitor named is checked as a post's "Your name" is: the programme's names are the team's."""
        visitors = self.cleaned_data["visitors"]
        for name in visitors.split(","):
            problem = reserved_name_problem(name, self.member)
            if problem:
                raise forms.ValidationError(f"{problem} (not “{name.strip()}”).")
        return visitors

    class Meta:
        model = PeerVisitReportPage
        field_classes = {
            "settings": ModelMultipleChoiceField,
            "safety_domains": ModelMultipleChoiceField,
            "visiting_organisations": ModelMultipleChoiceField,
        }
        fields = [
            "title",
            "summary",
            "date",
            "host_organisation",
            "visiting_organisations",
            "visitors",
            "focus",
            "what_works_well",
            "what_could_be_better",
            "ideas_to_take_home",
            "agreed_actions",
            "settings",
            "safety_domains",
        ]
        labels = {
            "date": "Date of the visit",
            "host_organisation": "Which organisation was visited?",
            "visiting_organisations": "Which organisations did the visitors come from?",
            "visitors": "Visitors' names (optional)",
            "focus": "What was the visit looking at?",
            "what_works_well": "What works well",
            "what_could_be_better": "What could be better",
            "ideas_to_take_home": "Ideas to take home",
            "agreed_actions": "Agreed actions (optional)",
        }
        help_texts = {
            "summary": "One or two sentences about the visit and the main thing you took from it.",
            "host_organisation": "The home or service you went to see.",
            "visiting_organisations": "Tick every organisation that sent someone.",
            "visitors": "Only name people who agreed. Separate names with commas.",
            "focus": "One sentence, such as 'How they keep residents drinking well at night'.",
            "what_works_well": "What you saw working. Be specific: what, who and when.",
            "what_could_be_better": "Be specific and kind. The host will read this.",
            "ideas_to_take_home": "What you will try in your own home or service.",
            "agreed_actions": "One action on each line, with who will do it if you know.",
        }
