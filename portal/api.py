"""The site's read-only JSON API, served under /api/v2/.

One Wagtail API router for every endpoint, as Wagtail's documentation sets
out: https://docs.wagtail.org/en/stable/advanced_topics/api/v2/configuration.html
"""

from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from portal.core.public_api import BoundedSearchFilter, ClientRateThrottle, PublicAPIMixin, SearchRateThrottle
from portal.improvement.api import ChangeIdeaWithSpreadAPIViewSet
from portal.localmeasures.api import MeasureWithRollupsAPIViewSet
from portal.roadmap.api import MilestoneAPIViewSet, WorkstreamAPIViewSet


class PublicPagesAPIViewSet(PublicAPIMixin, PagesAPIViewSet):
    """Wagtail's pages endpoint, with public pages only, whoever asks.

    Wagtail's own endpoint checks each view restriction against the request,
    so a signed-in member's session would let member-only pages through. The
    API serves partners' tools and other sites, like the feeds and the
    sitemap, so member-only and other private pages never appear in it.
    """

    # Searches are bounded and throttled more tightly than other requests (docs/security.md).
    filter_backends = [
        BoundedSearchFilter if backend is SearchFilter else backend for backend in PagesAPIViewSet.filter_backends
    ]
    throttle_classes = [ClientRateThrottle, SearchRateThrottle]

    def get_base_queryset(self):
        return super().get_base_queryset().public()


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("workstreams", WorkstreamAPIViewSet)
api_router.register_endpoint("milestones", MilestoneAPIViewSet)
api_router.register_endpoint("measures", MeasureWithRollupsAPIViewSet)
api_router.register_endpoint("change-ideas", ChangeIdeaWithSpreadAPIViewSet)
