"""A public URL finds its page as Wagtail's serve view does, in fewer queries (portal.core.routing).

Every behaviour of Wagtail's routing is checked through the test client, as a
reader meets it: privacy (a password, groups, any signed-in reader, on the page
or an ancestor, and on an alias's original), drafts and unpublished pages,
redirects, trailing slashes, a page type's own ``route`` (the roadmap's measure
pages), several sites, and unknown paths.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.redirects.models import Redirect
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, PageViewRestriction, Site

from casestudies.factories import CaseStudyIndexPageFactory, CaseStudyPageFactory
from learning.factories import LearningNotePageFactory
from portal.core.factories import restrict_to_members
from portal.home.factories import StandardPageFactory
from portal.members.factories import MemberFactory
from portal.roadmap.factories import MeasureFactory, RoadmapPageFactory
from portal.taxonomy.models import Organisation, Setting

pytestmark = pytest.mark.django_db


def note(parent, title, **fields):
    return LearningNotePageFactory(parent=parent, title=title, summary=f"{title}, in short.", **fields)


def text(response):
    return response.content.decode()


def test_a_case_study_is_served_with_its_story(client, case_study_index):
    page = CaseStudyPageFactory(
        parent=case_study_index, title="Fewer falls at night", summary="A drinks round split in three."
    )
    response = client.get(page.url)
    assert response.status_code == 200
    assert "<h1>Fewer falls at night</h1>" in text(response)
    assert "A drinks round split in three." in text(response)


def test_a_case_study_with_a_picture_and_an_organisation_is_found_and_checked_in_two_queries(client, case_study_index):
    """Every page on the path with its view restrictions, and the page with its picture and organisation.

    Wagtail's own walk took a query for the site and five to find the page,
    two more to check its privacy, and one each for the picture and the
    organisation. The site is kept until content changes.
    """
    from wagtail.images.models import Image

    picture = Image.objects.create(title="A drinks trolley", file=get_test_image_file())
    organisation = Organisation.objects.create(
        name="Kersal Brook Care Home", slug="kersal-brook", setting=Setting.objects.get(slug="care-homes")
    )
    page = CaseStudyPageFactory(
        parent=case_study_index,
        title="Fewer falls at night",
        hero_image=picture,
        hero_image_alt="A trolley of drinks",
        organisation=organisation,
    )
    client.get(page.url)  # content types, renditions and kept fragments
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.url)
    html = text(response)
    assert 'alt="A trolley of drinks"' in html
    assert "Kersal Brook Care Home" in html
    statements = [query["sql"] for query in captured.captured_queries]
    assert len(statements) == 2, statements
    assert 'FROM "wagtailcore_page"' in statements[0]
    assert 'FROM "casestudies_casestudypage"' in statements[1]


def test_a_listing_and_its_children_are_served(client, learning_index):
    page = note(learning_index, "Moving the tea trolley")
    assert "Moving the tea trolley" in text(client.get(learning_index.url))
    assert "<h1>Moving the tea trolley</h1>" in text(client.get(page.url))


def test_the_home_page_is_served(client, home):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["page"].pk == home.pk


def test_an_unknown_slug_and_a_path_below_a_page_without_children_are_not_found(client, learning_index):
    page = note(learning_index, "Moving the tea trolley")
    assert client.get(learning_index.url + "no-such-note/").status_code == 404
    assert client.get(page.url + "deeper/").status_code == 404
    assert client.get("/no-such-section/no-such-note/").status_code == 404


def test_a_draft_and_an_unpublished_page_are_not_found(client, learning_index):
    unpublished = note(learning_index, "Taken down")
    unpublished.unpublish()
    draft = note(learning_index, "Never published", live=False)
    assert client.get(unpublished.url or "/learning/taken-down/").status_code == 404
    assert client.get(f"{learning_index.url}{draft.slug}/").status_code == 404


def test_a_live_page_under_an_unpublished_listing_is_served_as_wagtail_serves_it(client, learning_index):
    """Wagtail checks only the page reached, not the pages on the way (``Page.route``)."""
    page = note(learning_index, "Still live")
    learning_index.unpublish()
    assert client.get(f"{learning_index.url or '/learning/'}").status_code == 404
    assert client.get(f"/learning/{page.slug}/").status_code == 200


def test_an_address_without_its_trailing_slash_is_sent_to_the_one_with_it(client, learning_index):
    page = note(learning_index, "Moving the tea trolley")
    response = client.get(page.url.rstrip("/"))
    assert response.status_code == 301
    assert response["Location"] == page.url


def test_an_old_address_with_a_redirect_is_sent_on_and_one_without_is_not_found(client, learning_index):
    page = note(learning_index, "Moving the tea trolley")
    Redirect.objects.create(old_path="/learning/the-old-trolley-note", redirect_page=page)
    response = client.get("/learning/the-old-trolley-note/")
    assert response.status_code == 301
    assert response["Location"].endswith(page.url)
    assert client.get("/learning/another-old-note/").status_code == 404


def test_a_member_only_page_sends_others_to_sign_in_and_shows_members_the_page(client, learning_index):
    page = note(learning_index, "For members")
    restrict_to_members(page)
    response = client.get(page.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "For members" not in text(response)
    client.force_login(MemberFactory())
    response = client.get(page.url)
    assert response.status_code == 200
    assert "<h1>For members</h1>" in text(response)
    assert "no-cache" in response["Cache-Control"]


def test_a_restriction_on_the_listing_covers_the_pages_below_it(client, learning_index):
    page = note(learning_index, "Below a restricted listing")
    restrict_to_members(learning_index)
    response = client.get(page.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_page_for_any_signed_in_reader_sends_visitors_to_sign_in(client, learning_index):
    page = note(learning_index, "Signed in only")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(page.url).status_code == 302
    client.force_login(get_user_model().objects.create_user("reader", "reader@example.org", "pw"))
    assert client.get(page.url).status_code == 200


def test_a_password_protected_page_asks_for_the_password_and_then_shows_the_page(client, learning_index):
    page = note(learning_index, "Behind a password")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="trolley"
    )
    response = client.get(page.url)
    assert response.status_code == 200
    assert "<h1>Behind a password</h1>" not in text(response)
    assert 'name="password"' in text(response)
    client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/",
        {"password": "trolley", "return_url": page.url},
    )
    assert "<h1>Behind a password</h1>" in text(client.get(page.url))


def test_an_alias_of_a_member_only_page_is_member_only_too(client, home, learning_index):
    page = note(learning_index, "The original")
    restrict_to_members(page)
    other_section = StandardPageFactory(parent=home, title="Elsewhere", slug="elsewhere")
    alias = page.create_alias(parent=other_section, update_slug="the-alias")
    response = client.get(alias.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_page_type_with_its_own_route_routes_the_rest_of_the_path(client, home):
    roadmap = RoadmapPageFactory(parent=home, slug="roadmap")
    MeasureFactory(slug="falls-rate", name="Falls per 1,000 bed days")
    response = client.get("/roadmap/measures/falls-rate/")
    assert response.status_code == 200
    assert "Falls per 1,000 bed days" in text(response)
    assert client.get("/roadmap/").context["page"].pk == roadmap.pk
    assert client.get("/roadmap/measures/no-such-measure/").status_code == 404
    assert client.get("/roadmap/no-such-view/").status_code == 404


def test_each_site_serves_its_own_pages_by_its_host(client, home):
    root = Page.objects.get(depth=1)
    other_home = root.add_child(instance=StandardPageFactory.build(title="Other region", slug="other-region"))
    Site.objects.create(hostname="other.example.org", port=80, root_page=other_home, site_name="Other region")
    ours = CaseStudyIndexPageFactory(parent=home, slug="stories")
    theirs = StandardPageFactory(parent=other_home, title="Their stories", slug="stories")
    CaseStudyPageFactory(parent=ours, title="Our case study", slug="night-falls")

    response = client.get("/stories/", HTTP_HOST="other.example.org")
    assert response.status_code == 200
    assert response.context["page"].pk == theirs.pk
    assert client.get("/stories/night-falls/", HTTP_HOST="other.example.org").status_code == 404
    assert client.get("/stories/").context["page"].pk == ours.pk
    assert "<h1>Our case study</h1>" in text(client.get("/stories/night-falls/"))
    # The other site's page is not reachable under this site by its tree path either.
    assert client.get("/other-region/stories/").status_code == 404


def test_a_new_site_a_changed_host_and_a_new_root_page_are_followed_at_once(client, home):
    """The site found for each host is kept until content changes; a change to a site is such a change."""
    root = Page.objects.get(depth=1)
    other_home = root.add_child(instance=StandardPageFactory.build(title="Other region", slug="other-region"))
    ours = StandardPageFactory(parent=home, title="Our stories", slug="stories")
    theirs = StandardPageFactory(parent=other_home, title="Their stories", slug="stories")
    newer_home = root.add_child(instance=StandardPageFactory.build(title="Newer region", slug="newer-region"))
    newest = StandardPageFactory(parent=newer_home, title="The newest stories", slug="stories")

    # No site has this host yet: the default site answers.
    assert client.get("/stories/", HTTP_HOST="other.example.org").context["page"].pk == ours.pk
    site = Site.objects.create(hostname="other.example.org", port=80, root_page=other_home, site_name="Other")
    assert client.get("/stories/", HTTP_HOST="other.example.org").context["page"].pk == theirs.pk
    site.root_page = newer_home
    site.save()
    assert client.get("/stories/", HTTP_HOST="other.example.org").context["page"].pk == newest.pk
    site.hostname = "elsewhere.example.org"
    site.save()
    assert client.get("/stories/", HTTP_HOST="other.example.org").context["page"].pk == ours.pk
    assert client.get("/stories/", HTTP_HOST="elsewhere.example.org").context["page"].pk == newest.pk
    site.delete()
    assert client.get("/stories/", HTTP_HOST="elsewhere.example.org").context["page"].pk == ours.pk


def test_a_listing_given_a_new_slug_is_found_at_its_new_address_at_once(client, home, learning_index):
    page = note(learning_index, "Moving the tea trolley")
    assert client.get(page.url).status_code == 200
    learning_index.slug = "notes"
    learning_index.save_revision().publish()
    assert client.get("/notes/" + page.slug + "/").status_code == 200
    assert client.get("/learning/" + page.slug + "/").status_code == 404


def test_wagtails_own_sign_in_form_signs_nobody_in_and_sends_readers_to_the_sites(client, learning_index):
    """``/_util/login/`` signed people in past the throttle, email confirmation and two-factor step."""
    from portal.members.factories import PASSWORD

    page = note(learning_index, "For members")
    restrict_to_members(page)
    member = MemberFactory()
    response = client.post("/_util/login/", {"username": member.email, "password": PASSWORD, "next": page.url})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert client.get(page.url).status_code == 302  # still signed out
    response = client.get("/_util/login/", {"next": page.url})
    assert response["Location"] == f"/accounts/login/?next={page.url.replace('/', '%2F')}"
    response = client.get("/_util/login/", {"next": "https://elsewhere.example/"})
    assert response["Location"] == "/accounts/login/"
