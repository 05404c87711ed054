"""The roadmap's routes the proxy in front must drop when content changes (``portal.core.purge``)."""

from .models.pages import RoadmapPage
from .models.snippets import Measure


def roadmap_subpage_paths():
    """The roadmap's own sub-pages, for the proxy to purge when content changes.

    The roadmap page itself is among the listings ``portal.core.purge`` always
    purges; its dashboard, milestones, measures list and each measure's page are
    routes under it that it does not know.
    """
    slugs = list(Measure.objects.order_by("slug").values_list("slug", flat=True))
    paths = []
    for roadmap in RoadmapPage.objects.live():
        parts = roadmap.get_url_parts()
        if not parts:
            continue
        base = parts[2]
        paths += [f"{base}dashboard/", f"{base}milestones/", f"{base}measures/"]
        paths += [f"{base}measures/{slug}/" for slug in slugs]
    return paths
