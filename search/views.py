"""A plain site search over every knowledge page (the search issue makes it rich)."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.template.response import TemplateResponse

from portal.core.models import KnowledgePage

MAX_QUERY_LENGTH = 200


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    page_obj = None
    if query:
        results = KnowledgePage.objects.live().public().search(query)
        page_obj = Paginator(results, settings.PORTAL_PAGE_SIZE).get_page(request.GET.get("page"))
        # Cards show settings and domains; fetch them for the whole page at once.
        prefetch_related_objects(page_obj.object_list, "settings", "safety_domains")
    return TemplateResponse(request, "search/search.html", {"query": query, "page_obj": page_obj})
