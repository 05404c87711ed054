"""The two posting forms on their own: required fields, limits, topics and photo slots."""

from types import SimpleNamespace

import pytest
from django.utils.datastructures import MultiValueDict
from taggit.models import Tag

from learning.factories import LearningNotePageFactory
from learning.forms import LearningNoteForm, PeerVisitForm
from learning.models import LearningNotePage, PeerVisitReportPage
from learning.photo_forms import PHOTO_SLOTS
from portal.taxonomy.factories import OrganisationFactory

from .conftest import learning_note_data, peer_visit_data, photo_bytes, upload

pytestmark = pytest.mark.django_db


def note_form(files=None, **overrides):
    data = learning_note_data(**overrides)
    query = MultiValueDict({key: value if isinstance(value, list) else [value] for key, value in data.items()})
    return LearningNoteForm(query, MultiValueDict(files or {}), instance=LearningNotePage())


def test_a_complete_learning_note_is_valid_and_its_topics_are_parsed():
    form = note_form(topics='falls, "night staff", hydration')
    assert form.is_valid(), form.errors
    assert sorted(form.cleaned_data["topics"]) == ["falls", "hydration", "night staff"]
    assert form.cleaned_data["new_photos"] == []


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("title", "Enter a title"),
        ("summary", "Enter a summary"),
        ("date", "Enter the date"),
        ("author_name", "Enter your name"),
        ("what_we_tried", "Say what you tried"),
        ("what_happened", "Say what happened"),
        ("what_we_learned", "Say what you learned"),
        ("what_we_would_advise", "Say what you would advise another team"),
    ],
)
def test_every_section_of_a_learning_note_is_required_with_its_own_message(field, message):
    form = note_form(**{field: ""})
    assert form.errors[field] == [message]


def test_a_date_that_is_not_a_date_is_refused():
    assert note_form(date="31-02-2026").errors["date"] == ["Enter a real date, such as 15 March 2026"]


def test_at_least_one_setting_and_one_domain_are_required():
    form = note_form(settings=[], safety_domains=[])
    assert form.errors["settings"] == ["Choose at least one care setting"]
    assert form.errors["safety_domains"] == ["Choose at least one safety domain"]


def test_topics_differing_only_in_case_or_symbols_are_one_topic():
    """A phone review: "falls, FALLS, night staff 🌙" made three topics, two of them new beside "falls"."""
    form = note_form(topics="Falls,, ,  FALLS, <script>alert(1)</script>, night staff 🌙, falls")
    assert form.is_valid(), form.errors
    topics = form.cleaned_data["topics"]
    assert len(topics) == 3
    assert {topic.casefold() for topic in topics} == {"falls", "script alert 1 script", "night staff"}


def test_a_topic_typed_with_capitals_is_the_topic_already_in_use(learning_index):
    existing = LearningNotePageFactory(parent=learning_index, tags=["falls", "night staff"])
    note = LearningNotePageFactory(parent=learning_index, tags=[])
    form = note_form(topics="FALLS, Night Staff 🌙")
    assert form.is_valid(), form.errors
    note.tags.set(form.cleaned_data["topics"])
    assert sorted(tag.slug for tag in note.tags.all()) == ["falls", "night-staff"]
    assert Tag.objects.count() == 2
    assert sorted(tag.pk for tag in note.tags.all()) == sorted(tag.pk for tag in existing.tags.all())


def test_too_many_or_too_long_topics_are_refused():
    assert note_form(topics=", ".join(f"topic{n}" for n in range(11))).errors["topics"] == ["Use at most 10 topics."]
    assert note_form(topics="x" * 51).errors["topics"] == ["Keep each topic under 50 characters."]


def test_a_description_without_a_photo_is_questioned():
    form = note_form(photo_2_alt="The medicines trolley")
    assert form.errors["photo_2"] == ["Choose the photo this description is for, or clear it."]


def test_a_valid_photo_with_alt_text_is_cleaned_and_kept_with_its_caption():
    form = note_form(files={"photo_1": [upload(photo_bytes())]}, photo_1_alt="A jug", photo_1_caption="Our jug")
    assert form.is_valid(), form.errors
    [(content, alt_text, caption)] = form.cleaned_data["new_photos"]
    assert (alt_text, caption) == ("A jug", "Our jug")
    assert content.name.endswith(".jpg") and content.size > 0


def test_alt_text_over_200_characters_is_refused():
    form = note_form(files={"photo_1": [upload(photo_bytes())]}, photo_1_alt="a" * 201)
    assert form.errors["photo_1_alt"] == ["Describe photo 1 must be 200 characters or fewer (it has 201)"]


def test_existing_photos_use_up_the_new_photo_slots():
    assert len(LearningNoteForm(instance=LearningNotePage()).photo_slots) == PHOTO_SLOTS
    existing = [SimpleNamespace(pk=7, alt_text="Our jug")]
    form = LearningNoteForm(instance=LearningNotePage(), existing_photos=existing)
    assert len(form.photo_slots) == PHOTO_SLOTS - 1
    # Numbered on from the photo the post has: "Photo 1" is that one, the new ones are 2 and 3.
    assert [slot.number for slot in form.photo_slots] == [2, 3]
    assert "photo_1" not in form.fields and "photo_3" in form.fields
    assert form.fields["photo_2"].label == "Choose photo 2"
    assert form.fields["remove_photo_7"].label == "Remove photo 1"


def test_a_peer_visit_needs_a_host_and_a_visiting_organisation():
    host, visitor = OrganisationFactory(), OrganisationFactory()
    data = peer_visit_data(host, visitor, host_organisation="", visiting_organisations=[])
    query = MultiValueDict({key: value if isinstance(value, list) else [value] for key, value in data.items()})
    form = PeerVisitForm(query, instance=PeerVisitReportPage())
    assert form.errors["host_organisation"] == ["Choose the organisation that was visited"]
    assert form.errors["visiting_organisations"] == ["Choose the organisations the visitors came from"]
    assert "agreed_actions" not in form.errors and "visitors" not in form.errors


@pytest.mark.parametrize("field", ["settings", "safety_domains"])
def test_an_id_too_big_for_the_database_is_refused_as_invalid_not_a_server_error(field):
    form = note_form(**{field: [str(2**63)]})
    assert not form.is_valid()
    assert form.errors[field] == [f"“{2**63}” is not a valid value."]


def test_a_visiting_organisation_id_too_big_for_the_database_is_refused_as_invalid():
    host, visitor = OrganisationFactory(), OrganisationFactory()
    data = peer_visit_data(host, visitor, visiting_organisations=[str(2**63)])
    query = MultiValueDict({key: value if isinstance(value, list) else [value] for key, value in data.items()})
    form = PeerVisitForm(query, MultiValueDict(), instance=PeerVisitReportPage())
    assert not form.is_valid()
    assert form.errors["visiting_organisations"] == [f"“{2**63}” is not a valid value."]


@pytest.mark.parametrize("name", ["Programme team", "Prօgramme team", "Mօderator Team", "ɑdmin Team", "Ꮲrogramme Team"])
def test_a_posts_your_name_cannot_be_the_programmes(member_client, indexes, name):
    """A post's free-text "Your name" had no name rules: any member could post as "Programme team"."""
    response = member_client.post("/share/learning-note/", learning_note_data(author_name=name))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<span class="nhsuk-error-message" id="id_author_name_error">' in page
    assert "This name is kept for the programme team" in page
    assert f'value="{name}"' in page  # what they typed is kept
    assert not LearningNotePage.objects.exists()


def test_a_peer_visits_visitors_cannot_be_named_as_the_programme(member_client, indexes):
    host, visitor = OrganisationFactory(), OrganisationFactory()
    data = peer_visit_data(host, visitor, visitors="Priya Nair, Mօderator Team")
    response = member_client.post("/share/peer-visit/", data)
    assert response.status_code == 200
    assert "This name is kept for the programme team" in response.content.decode()
    assert not PeerVisitReportPage.objects.exists()

    data.update(visitors="Priya Nair, Tomasz Nowak")
    assert member_client.post("/share/peer-visit/", data).status_code == 302
