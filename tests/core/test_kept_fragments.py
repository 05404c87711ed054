"""The header's settings, the footer and the breadcrumb are kept until content changes, and follow every change.

They are kept under the content generation (``portal.core.memo.remember``), so
each test first views a page (keeping them), then changes something as an
editor would, then views again: the change must show at once.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site
from wagtailnhsukfrontend.settings.models import FooterLinks, FooterSettings, NavigationLink

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory
from portal.core.factories import restrict_to_members
from portal.core.models import PortalSettings
from portal.taxonomy.models import Setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_study(navigation, case_study_index):
    return CaseStudyPageFactory(parent=case_study_index, title="Fewer falls at night")


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def locmem_keys():
    return list(cache._cache)  # the test settings' local-memory cache


def _footer(html):
    return html[html.index('<footer class="nhsuk-footer"') :]


def _breadcrumb(html):
    start = html.index('<nav class="nhsuk-breadcrumb"')
    return html[start : html.index("</nav>", start)]


def test_the_footer_follows_a_change_to_the_portal_settings(client, case_study):
    site = Site.objects.get(is_default_site=True)
    assert "Run by the Kersal partnership" not in _footer(_html(client, case_study.url))

    portal_settings = PortalSettings.for_site(site)
    portal_settings.footer_note = "Run by the Kersal partnership"
    portal_settings.contact_email = "team@example.org"
    portal_settings.save()

    footer = _footer(_html(client, case_study.url))
    assert "Run by the Kersal partnership" in footer
    assert '<a href="mailto:team@example.org">team@example.org</a>' in footer


def test_the_footer_follows_a_new_footer_link(client, case_study):
    site = Site.objects.get(is_default_site=True)
    assert "Accessibility statement" not in _footer(_html(client, "/"))

    footer = FooterSettings.for_site(site)
    footer.footer_links.add(FooterLinks(link_label="Accessibility statement", link_url="/accessibility/"))
    footer.save()  # as the settings form saves the footer with its links

    assert '<a class="nhsuk-footer__list-item-link" href="/accessibility/">Accessibility statement</a>' in _footer(
        _html(client, "/")
    )


def test_the_header_follows_a_new_navigation_link_and_still_marks_the_page_being_read(
    client, case_study, case_study_index, learning_index, navigation
):
    for index in (case_study_index, learning_index):
        navigation.navigation_links.add(NavigationLink(label=index.title, page=index))
    navigation.save()  # as the settings form saves the header with its links
    html = _html(client, learning_index.url)
    assert f'href="{learning_index.url}" aria-current="page"' in html
    assert f'href="{case_study.get_parent().url}" aria-current' not in html

    navigation.navigation_links.add(NavigationLink(label="Roadmap and measures", page=case_study))
    navigation.save()

    html = _html(client, case_study.url)
    assert f'href="{case_study.url}" aria-current="page">' in html
    assert "Roadmap and measures" in html
    # The case studies link is marked as the section being read, on this page only.
    assert f'href="{case_study.get_parent().url}" aria-current="true"' in html
    assert f'href="{learning_index.url}" aria-current' not in html


def test_the_breadcrumb_follows_a_published_title_and_a_move(client, case_study, case_study_index, learning_index):
    assert f">{case_study_index.title}</a>" in _breadcrumb(_html(client, case_study.url))
    old_title = case_study_index.title

    case_study_index.title = "Stories from care homes"
    case_study_index.save_revision().publish()
    crumbs = _breadcrumb(_html(client, case_study.url))
    assert ">Stories from care homes</a>" in crumbs
    assert f">{old_title}</a>" not in crumbs

    case_study.move(learning_index, pos="last-child")
    case_study.refresh_from_db()
    crumbs = _breadcrumb(_html(client, case_study.url))
    assert f'href="{learning_index.url}">{learning_index.title}</a>' in crumbs
    assert "Stories from care homes" not in crumbs


def test_a_second_view_reads_no_header_footer_or_breadcrumb_settings(client, case_study):
    _html(client, case_study.url)
    with CaptureQueriesContext(connection) as queries:
        _html(client, case_study.url)
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "wagtailnhsukfrontendsettings" not in tables
    assert "core_portalsettings" not in tables
    # The only site lookup is Wagtail's routing; the breadcrumb and footer find none of their own.
    assert tables.count('FROM "wagtailcore_site"') <= 1


def _topics_offered(html):
    return re.findall(r'<option value="([^"]*)"', html.split('name="tag"')[1].split("</select>")[0])


def _member():
    from portal.members.factories import MemberFactory

    return MemberFactory()


def test_the_filter_form_follows_new_topics_and_keeps_members_and_the_public_apart(client, learning_index):
    LearningNotePageFactory(parent=learning_index, title="Night checks", tags=["falls"])
    hidden = LearningNotePageFactory(parent=learning_index, title="Staffing huddles", tags=["staffing"])
    restrict_to_members(hidden)
    assert _topics_offered(_html(client, learning_index.url)) == ["", "falls"]

    member = Client()
    member.force_login(_member())
    assert _topics_offered(_html(member, learning_index.url)) == ["", "falls", "staffing"]
    # Each audience keeps its own: the public's second view still hides the member-only topic.
    assert _topics_offered(_html(client, learning_index.url)) == ["", "falls"]

    LearningNotePageFactory(parent=learning_index, title="Drinks round", tags=["hydration"])
    assert _topics_offered(_html(client, learning_index.url)) == ["", "falls", "hydration"]


def test_the_filter_form_shows_the_chosen_filter_and_a_renamed_setting(client, learning_index):
    LearningNotePageFactory(parent=learning_index, settings=["care-homes"], tags=["falls"])
    html = _html(client, learning_index.url + "?setting=care-homes")
    assert '<option value="care-homes" selected>' in html
    assert '<option value="care-homes">' in _html(client, learning_index.url)

    Setting.objects.filter(slug="care-homes").update(name="Care homes and nursing homes")
    Setting.objects.get(slug="care-homes").save()  # as the taxonomy editor saves it
    assert "Care homes and nursing homes</option>" in _html(client, learning_index.url)


def test_a_filter_value_that_names_nothing_is_drawn_afresh_and_never_kept(client, learning_index):
    LearningNotePageFactory(parent=learning_index, tags=["falls"])
    for text in ("no-such-place", "<b>typed</b>"):
        html = _html(client, learning_index.url + f"?setting={text}")
        assert "There is no care setting with that name. Showing all care settings instead." in html
    assert not [key for key in locmem_keys() if "filter-form" in key and ("no-such-place" in key or "typed" in key)]
    assert "There is no care setting" not in _html(client, learning_index.url)


def _tagging(html):
    start = html.index('<section class="portal-tagging"')
    return html[start : html.index("</section>", start)]


def test_the_tagging_follows_a_publish_and_a_renamed_topic_and_a_preview_shows_the_draft(client, learning_index):
    from taggit.models import Tag

    note = LearningNotePageFactory(parent=learning_index, tags=["falls"], settings=["care-homes"])
    tagging = _tagging(_html(client, note.url))
    assert 'href="/topics/falls/">falls</a>' in tagging
    assert "Care setting: </span>Care homes" in tagging

    note.tags.add("hydration")
    note.settings.set(Setting.objects.filter(slug="general-practice"))
    note.save_revision().publish()
    tagging = _tagging(_html(client, note.url))
    assert 'href="/topics/hydration/">hydration</a>' in tagging
    assert "General practice" in tagging
    assert "Care homes" not in tagging

    topic = Tag.objects.get(slug="hydration")
    topic.name = "drinks and hydration"
    topic.save()
    assert ">drinks and hydration</a>" in _tagging(_html(client, note.url))

    draft = note.get_latest_revision_as_object()
    draft.tags.add("night checks")
    preview = draft.make_preview_request()
    assert "night checks" in _tagging(preview.content.decode())
    assert "night checks" not in _tagging(_html(client, note.url))


def test_the_listings_cards_follow_a_publish_and_keep_the_members_only_label_to_members(client, learning_index):
    note = LearningNotePageFactory(parent=learning_index, title="Night checks", summary="Fewer falls.")
    hidden = LearningNotePageFactory(parent=learning_index, title="Staffing huddles")
    restrict_to_members(hidden)
    html = _html(client, learning_index.url)
    assert ">Night checks</a>" in html
    assert "Staffing huddles" not in html

    member = Client()
    member.force_login(_member())
    html = _html(member, learning_index.url)
    assert ">Staffing huddles</a>" in html
    assert html.count("Members only</strong>") == 1
    assert "Members only</strong>" not in _html(client, learning_index.url)

    note.title = "Night checks on every floor"
    note.save_revision().publish()
    html = _html(client, learning_index.url)
    assert ">Night checks on every floor</a>" in html
    assert ">Night checks</a>" not in html


def test_a_listing_with_nothing_to_show_says_so(client, learning_index):
    LearningNotePageFactory(parent=learning_index, settings=["care-homes"])
    html = _html(client, learning_index.url + "?setting=general-practice")
    assert "Nothing matches these filters yet. Try removing one." in html
    assert "nhsuk-card__link" not in html
