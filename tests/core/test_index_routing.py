"""A listing page finds its child knowledge page in one query, and routes everything else as Wagtail does."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from casestudies.factories import CaseStudyPageFactory
from casestudies.models import CaseStudyIndexPage, CaseStudyPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(case_study_index):
    return CaseStudyIndexPage.objects.get(pk=case_study_index.pk)


def test_a_child_is_found_as_its_own_type_in_one_query(index, django_assert_num_queries):
    page = CaseStudyPageFactory(parent=index, title="Fewer falls at night", slug="fewer-falls")
    with django_assert_num_queries(1):
        result = index.route(RequestFactory().get("/"), ["fewer-falls"])
    assert type(result.page) is CaseStudyPage
    assert result.page.pk == page.pk
    assert result.page.get_parent().pk == index.pk


def test_a_draft_an_unknown_slug_and_a_deeper_path_are_not_found(index):
    draft = CaseStudyPageFactory(parent=index, slug="still-a-draft")
    draft.unpublish()
    CaseStudyPageFactory(parent=index, slug="live")
    request = RequestFactory().get("/")
    for path in (["still-a-draft"], ["no-such-page"], ["live", "deeper"]):
        with pytest.raises(Http404):
            index.route(request, path)


def test_the_case_study_is_served_with_its_story(client, index):
    page = CaseStudyPageFactory(parent=index, title="Fewer falls at night", summary="A drinks round split in three.")
    html = client.get(page.url).content.decode()
    assert "<h1>Fewer falls at night</h1>" in html
    assert "A drinks round split in three." in html
    assert client.get(index.url + "no-such-page/").status_code == 404
