"""Starting a page again after the admin autosaved a draft of it: the clash names the draft and links to it."""

import html

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from portal.members.factories import ModeratorFactory
from portal.taxonomy.models import SafetyDomain, Setting
from portal.updates.factories import UpdatePageFactory

pytestmark = pytest.mark.django_db


def new_update(title, slug, action="action-publish"):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "Visiting is open again from Monday.",
            "date": "2026-12-01",
            "settings": [Setting.objects.get(slug="care-homes").pk],
            "safety_domains": [SafetyDomain.objects.get(slug="reliability").pk],
            "tags": "",
            "body": streamfield([]),  # empty: the update the editor first tried to publish
            "comments": inline_formset([]),
        }
    )
    data[action] = "1"
    return data


def test_a_slug_held_by_an_autosaved_draft_names_the_draft_and_links_to_it(client, update_index):
    draft = UpdatePageFactory(parent=update_index, title="New visiting hours", slug="new-visiting-hours", live=False)
    draft.save_revision()
    client.force_login(ModeratorFactory())

    url = reverse("wagtailadmin_pages:add", args=("updates", "updatepage", update_index.pk))
    response = client.post(url, new_update("New visiting hours", "new-visiting-hours"))

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "A draft, ‘New visiting hours’, already uses the address ‘new-visiting-hours’ here" in page
    assert f'<a href="/admin/pages/{draft.pk}/edit/">Carry on with that draft</a>' in page
    assert "is already in use within the parent page" not in page
    assert update_index.get_children().count() == 1


def test_a_slug_held_by_a_live_page_names_that_page(client, update_index):
    live = UpdatePageFactory(parent=update_index, title="Winter <b>visiting</b>", slug="winter-visiting")
    client.force_login(ModeratorFactory())
    url = reverse("wagtailadmin_pages:add", args=("updates", "updatepage", update_index.pk))
    response = client.post(url, new_update("Winter visiting", "winter-visiting"))
    body = response.content.decode()
    assert "Winter &lt;b&gt;visiting&lt;/b&gt;" in body  # the title is shown as text
    assert f'<a href="/admin/pages/{live.pk}/edit/">Open that page</a>' in body


def test_the_banner_at_the_top_says_it_once_in_plain_text_and_the_link_is_beside_the_slug(client, update_index):
    draft = UpdatePageFactory(parent=update_index, title="New visiting hours", slug="new-visiting-hours", live=False)
    draft.save_revision()
    client.force_login(ModeratorFactory())
    url = reverse("wagtailadmin_pages:add", args=("updates", "updatepage", update_index.pk))
    body = client.post(url, new_update("New visiting hours", "new-visiting-hours")).content.decode()

    assert f"&lt;a href=&quot;/admin/pages/{draft.pk}/edit/" not in body  # the link is never shown as text
    banner = body[body.index('class="messages') : body.index("</ul>", body.index('class="messages'))]
    assert "This address is already used by the draft ‘New visiting hours’" in html.unescape(banner)
    assert "<a " not in banner
    assert html.unescape(body).count("This address is already used by the draft") == 1
    assert html.unescape(body).count("A draft, ‘New visiting hours’, already uses") == 1
    assert body.count(f'<a href="/admin/pages/{draft.pk}/edit/">Carry on with that draft</a>') == 1
    slug_field = body[body.index('id="id_slug"') - 3000 : body.index('id="id_slug"') + 3000]
    assert f'<a href="/admin/pages/{draft.pk}/edit/">Carry on with that draft</a>' in slug_field
