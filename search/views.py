"""A plain site search over every knowledge page (the search issue makes it rich)."""

from django.conf import settings
from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from portal.core.models import KnowledgePage

MAX_QUERY_LENGTH = 200


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    page_obj = None
    if query:
        results = KnowledgePage.objects.live().public().search(query)
        page_obj = Paginator(results, settings.PORTAL_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "search/search.html", {"query": query, "page_obj": page_obj})
