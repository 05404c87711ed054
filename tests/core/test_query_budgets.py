"""Every public page type makes as many database queries with 1,000 items as with 10.

"Items" are whatever the page could show more of: knowledge pages in the site
(listings, taxonomy pages, search, feeds, the API, the home page's newest
learning, a page's related learning), comments on a page, data points on a
measure, milestones on the timeline and evidence for a change idea.

The small site is built with the factories; the other 990 knowledge pages come
from ``bench.loader`` (bulk rows, seconds rather than a minute) and are indexed
for search as ``update_index`` would. Each page is requested once to warm the
per-process caches (content types, site root paths), then counted.
"""

import datetime
import io

import pytest
from django.core.cache import cache

from bench.loader import BulkLoader
from bench.search import build_search_index
from casestudies.factories import CaseStudyPageFactory
from casestudies.models import CaseStudyPage
from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from learning.models import LearningNotePage, PeerVisitReportPage
from portal.comments.factories import CommentFactory
from portal.comments.models import Comment
from portal.home.factories import StandardPageFactory
from portal.members.factories import MemberFactory
from portal.roadmap.factories import (
    ChangeIdeaFactory,
    MeasureFactory,
    MilestoneFactory,
    RoadmapPageFactory,
    SecondaryDriverFactory,
    WorkstreamFactory,
)
from portal.roadmap.models import ChangeIdeaEvidence, DataPoint, Milestone
from portal.updates.factories import UpdatePageFactory
from portal.updates.models import UpdatePage
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

TAGGING = {"settings": ["care-homes"], "safety_domains": ["past-harm"], "tags": ["falls", "medication"]}


class _Quiet(io.StringIO):
    def write(self, text, ending="\n"):
        return super().write(text + ending)


@pytest.fixture
def small_site(home, navigation, case_study_index, learning_index, peer_visit_index, update_index):
    """Ten knowledge pages (some of each type), a commented note, a roadmap with a measure and a timeline."""
    member = MemberFactory()
    pages = {
        "case study": CaseStudyPageFactory(parent=case_study_index, **TAGGING),
        "learning note": LearningNotePageFactory(parent=learning_index, **TAGGING),
        "peer visit": PeerVisitReportPageFactory(parent=peer_visit_index, **TAGGING),
        "update": UpdatePageFactory(parent=update_index, **TAGGING),
    }
    for number in range(6):
        LearningNotePageFactory(parent=learning_index, title=f"Falls note {number}", **TAGGING)
    for _ in range(10):
        CommentFactory(page=pages["learning note"], author=member)
    roadmap = RoadmapPageFactory(parent=home)
    workstream = WorkstreamFactory()
    idea = ChangeIdeaFactory(driver=SecondaryDriverFactory(), workstreams=[workstream], evidence=[pages["update"]])
    for _ in range(10):
        MilestoneFactory(workstream=workstream, settings=["care-homes"], safety_domains=["past-harm"])
    measure = MeasureFactory(slug="falls-rate", settings=["care-homes"], data_points=10)
    about = StandardPageFactory(parent=home)
    indexes = {
        CaseStudyPage: case_study_index,
        LearningNotePage: learning_index,
        PeerVisitReportPage: peer_visit_index,
        UpdatePage: update_index,
    }
    build_search_index(_Quiet())
    return {
        "pages": pages,
        "indexes": indexes,
        "member": member,
        "idea": idea,
        "workstream": workstream,
        "measure": measure,
        "roadmap": roadmap,
        "about": about,
    }


def grow_to_1000(site):
    """990 more knowledge pages, and 1,000 comments, data points, milestones and evidence links in all."""
    BulkLoader(990, _Quiet(), indexes=site["indexes"], organisations=5).run()
    build_search_index(_Quiet())
    note, user = site["pages"]["learning note"], site["member"]
    Comment.objects.bulk_create(
        Comment(page=note, author=user, body=f"Comment {n}", author_organisation_name="Larchfield Care Home")
        for n in range(990)
    )
    measure = site["measure"]
    start = datetime.date(1940, 1, 1)
    DataPoint.objects.bulk_create(
        DataPoint(measure=measure, date=start + datetime.timedelta(days=n), value=n % 17, sort_order=100 + n)
        for n in range(990)
    )
    Milestone.objects.bulk_create(
        Milestone(title=f"Milestone {n}", workstream=site["workstream"], planned_date=datetime.date(2026, 1, 1))
        for n in range(990)
    )
    learning = list(LearningNotePage.objects.live().order_by("-pk")[:990])
    ChangeIdeaEvidence.objects.bulk_create(
        ChangeIdeaEvidence(change_idea=site["idea"], page=page, sort_order=10 + n) for n, page in enumerate(learning)
    )


def urls(site):
    pages, indexes = site["pages"], site["indexes"]
    return [
        "/",
        *(index.url + "?setting=care-homes" for index in indexes.values()),
        *(page.url for page in pages.values()),
        site["about"].url,
        "/settings/",
        "/settings/care-homes/",
        "/domains/",
        "/domains/past-harm/",
        "/search/?q=falls",
        "/search/?q=falls&setting=care-homes&domain=past-harm&type=learning-note&tag=falls",
        site["roadmap"].url,
        "/roadmap/milestones/",
        "/roadmap/milestones/?setting=care-homes",
        "/roadmap/dashboard/",
        "/roadmap/measures/",
        f"/roadmap/measures/{site['measure'].slug}/",
        "/feeds/knowledge/rss/",
        "/feeds/knowledge/atom/",
        "/feeds/updates/rss/",
        "/feeds/settings/care-homes/rss/",
        "/feeds/domains/past-harm/atom/",
        "/api/v2/pages/",
        "/api/v2/pages/?type=learning.LearningNotePage",
        f"/api/v2/pages/{pages['case study'].pk}/",
        "/api/v2/workstreams/",
        "/api/v2/milestones/",
        "/api/v2/measures/",
        "/api/v2/change-ideas/",
        "/sitemap.xml",
    ]


def counts(client, site):
    cache.clear()  # topic lists and the like are cached for minutes; start both rounds alike
    result = {}
    for url in urls(site):
        client.get(url)  # warm per-process caches (content types, site root paths)
        result[url] = count_queries(client, url)
    return result


def test_every_public_page_type_costs_the_same_queries_at_10_and_at_1000_items(client, small_site):
    at_10 = counts(client, small_site)
    heavy = {url: count for url, count in at_10.items() if count > 40}
    assert heavy == {}, "pages making more than 40 queries"
    grow_to_1000(small_site)
    at_1000 = counts(client, small_site)
    grown = {url: (at_10[url], at_1000[url]) for url in at_10 if at_10[url] != at_1000[url]}
    assert grown == {}, "queries (10 items, 1,000 items) per page that grew"
    # The pages really have the 1,000 to show: the listing's total, the comments, the data table.
    notes = LearningNotePage.objects.live().count()
    assert notes > 300
    assert f"{notes:,} items, page 1 of" in client.get(small_site["indexes"][LearningNotePage].url).content.decode()
    assert Comment.objects.filter(page=small_site["pages"]["learning note"]).count() == 1000
    assert small_site["measure"].data_points.count() == 1000
