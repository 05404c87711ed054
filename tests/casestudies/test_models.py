import pytest
from django.core.exceptions import ValidationError
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from casestudies.factories import CaseStudyPageFactory
from casestudies.models import CaseStudyIndexPage, CaseStudyPage
from learning.models import LearningIndexPage
from portal.home.models import HomePage
from portal.taxonomy.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_study(case_study_index):
    image = Image.objects.create(title="Chart", file=get_test_image_file())
    return CaseStudyPageFactory(
        parent=case_study_index,
        title="Fewer falls at night",
        summary="A care home changed its evening drinks round.",
        date="2018-06-12",
        hero_image=image,
        hero_image_alt="A falling line chart in blue",
        organisation=OrganisationFactory(name="Kersal Brook Care Home"),
        contact_name="Grace Okafor",
        problem="<p>Most falls happened at night.</p>",
        what_was_done="<p>We split the drinks round in three.</p>",
        results="<p>Falls fell by a third.</p>",
        result_figures=[("figures", [{"label": "Falls per 1,000 bed days", "before": "9.8", "after": "6.1"}])],
        what_others_can_copy="<p>Plot falls by time and place first.</p>",
        settings=["care-homes", "general-practice"],
        safety_domains=["past-harm"],
        tags=["falls", "hydration"],
    )


def test_case_study_page_shows_every_part_of_the_story(client, case_study):
    html = client.get(case_study.url).content.decode()
    for expected in [
        "<h1>Fewer falls at night</h1>",
        "A care home changed its evening drinks round.",
        "12 June 2018",
        "Kersal Brook Care Home",
        "Grace Okafor",
        "<h2>The problem</h2>",
        "Most falls happened at night.",
        "We split the drinks round in three.",
        "Falls fell by a third.",
        '<th scope="row" class="nhsuk-table__header">Falls per 1,000 bed days</th>',
        '<td class="nhsuk-table__cell">9.8</td><td class="nhsuk-table__cell">6.1</td>',
        "Plot falls by time and place first.",
        'alt="A falling line chart in blue"',
        'href="/settings/care-homes/"',
        'href="/settings/general-practice/"',
        'href="/domains/past-harm/"',
        'href="/topics/falls/">falls</a>',
        "Case study",
    ]:
        assert expected in html, expected


def test_a_hero_image_needs_alt_text(case_study):
    case_study.hero_image_alt = "  "
    with pytest.raises(ValidationError) as error:
        case_study.full_clean()
    assert "Describe the picture" in str(error.value.message_dict["hero_image_alt"])


def test_case_studies_live_only_under_the_case_study_index(home, case_study_index, learning_index):
    assert CaseStudyPage.can_create_at(case_study_index)
    assert not CaseStudyPage.can_create_at(learning_index)
    assert not CaseStudyPage.can_create_at(home)
    assert CaseStudyIndexPage.allowed_parent_page_models() == [HomePage]
    # Only one case study index per site.
    assert not CaseStudyIndexPage.can_create_at(home)
    assert LearningIndexPage.max_count == 1
