"""The site's read-only JSON API, served under /api/v2/.

One Wagtail API router for every endpoint, as Wagtail's documentation sets
out: https://docs.wagtail.org/en/stable/advanced_topics/api/v2/configuration.html
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from portal.roadmap.api import ChangeIdeaAPIViewSet, MeasureAPIViewSet, MilestoneAPIViewSet, WorkstreamAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("workstreams", WorkstreamAPIViewSet)
api_router.register_endpoint("milestones", MilestoneAPIViewSet)
api_router.register_endpoint("measures", MeasureAPIViewSet)
api_router.register_endpoint("change-ideas", ChangeIdeaAPIViewSet)
