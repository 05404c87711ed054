"""Who may see, edit and publish what, in the Wagtail admin and on the site."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from learning.factories import LearningNotePageFactory
from portal.taxonomy.models import Organisation, Setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user("carehome", password="pw")


def test_the_public_cannot_reach_the_admin(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_member_without_admin_rights_is_turned_away_from_the_admin(client, member):
    client.force_login(member)
    response = client.get("/admin/", follow=True)
    assert "You do not have permission to access the admin" in response.content.decode()


def test_the_programme_team_finds_the_taxonomy_menu_and_can_add_an_organisation(client, editor):
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert "Taxonomy" in html
    listing = client.get(reverse("wagtailsnippets_taxonomy_setting:list"))
    assert "Care homes" in listing.content.decode()
    response = client.post(
        reverse("wagtailsnippets_taxonomy_organisation:add"),
        {"name": "Cadishead Court Care Home", "setting": Setting.objects.get(slug="care-homes").pk, "locality": ""},
    )
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Cadishead Court Care Home").exists()


def test_a_member_cannot_add_an_organisation(client, member):
    client.force_login(member)
    client.post(reverse("wagtailsnippets_taxonomy_organisation:add"), {"name": "Sneaky Ltd", "setting": 1})
    assert not Organisation.objects.filter(name="Sneaky Ltd").exists()


def test_an_editor_can_add_a_learning_note_only_under_the_learning_index(client, editor, learning_index, home):
    client.force_login(editor)
    allowed = client.get(reverse("wagtailadmin_pages:add", args=("learning", "learningnotepage", learning_index.pk)))
    assert allowed.status_code == 200
    assert "What we tried" in allowed.content.decode()
    refused = client.get(reverse("wagtailadmin_pages:add", args=("learning", "learningnotepage", home.pk)))
    assert refused.status_code in (302, 403)


def test_an_editor_can_publish_a_note_from_the_admin(client, editor, learning_index):
    client.force_login(editor)
    note = LearningNotePageFactory(parent=learning_index, title="Before edit", live=False)
    form = client.get(reverse("wagtailadmin_pages:edit", args=(note.pk,)))
    assert form.status_code == 200
    data = nested_form_data(
        {
            "title": "After edit",
            "slug": note.slug,
            "summary": note.summary,
            "date": "2024-01-01",
            "author_name": note.author_name,
            "what_we_tried": "a",
            "what_happened": "b",
            "what_we_learned": "c",
            "what_we_would_advise": "d",
            "tags": "falls",
            "comments": inline_formset([]),
            "photos": inline_formset([]),
            "action-publish": "publish",
        }
    )
    data["settings"] = [s.pk for s in note.settings.all()]
    data["safety_domains"] = [d.pk for d in note.safety_domains.all()]
    response = client.post(reverse("wagtailadmin_pages:edit", args=(note.pk,)), data)
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.live and note.title == "After edit"
    assert list(note.tags.names()) == ["falls"]


def test_drafts_and_private_pages_are_hidden_from_the_public(client, learning_index):
    draft = LearningNotePageFactory(parent=learning_index, title="Draft note")
    draft.unpublish()
    private = LearningNotePageFactory(parent=learning_index, title="Private note")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    assert client.get(draft.url or "/learning/" + draft.slug + "/").status_code == 404
    assert client.get(private.url).status_code == 302  # sent to log in
    listing = client.get(learning_index.url).content.decode()
    assert "Draft note" not in listing and "Private note" not in listing
