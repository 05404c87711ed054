"""The public pages of spread: organisations, and each change idea's own page.

Only what is public reaches them: each organisation's *current* status for a
change idea with its date, monthly counts of organisations testing and adopted
(docs/content-model.md says why these are public), and live, public learning;
never reasons, who recorded a status, or the row-by-row history. Anonymous
visitors' copies may be cached (portal.core.pagecache); recording a status
purges them (``portal.improvement.signals``).
"""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from casestudies.models import CaseStudyPage
from learning.models import LearningNotePage, PeerVisitReportPage
from portal.core.listing import build_listing
from portal.core.models import KnowledgePage
from portal.roadmap.models import ChangeIdea, ChangeIdeaEvidence, RoadmapPage
from portal.taxonomy.models import Organisation, Setting

from .charts import spread_chart_svgs
from .models import SPREAD_MONTHS, ChangeIdeaStatus, spread_by_month

Status = ChangeIdeaStatus.Status
PUBLIC_STATUSES = [Status.TESTING, Status.ADOPTED]


def organisation_list(request):
    organisations = Organisation.objects.select_related("setting").order_by("name")
    listing = build_listing(request, organisations, fields=("setting",))
    return TemplateResponse(request, "improvement/organisation_list.html", {"listing": listing})


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation.objects.select_related("setting"), slug=slug)
    ideas = (
        ChangeIdeaStatus.objects.current()
        .for_organisation(organisation)
        .filter(status__in=PUBLIC_STATUSES)
        .select_related("change_idea")
        .order_by("change_idea__title")
    )
    context = {
        "organisation": organisation,
        "testing": [row for row in ideas if row.status == Status.TESTING],
        "adopted": [row for row in ideas if row.status == Status.ADOPTED],
        "learning_notes": LearningNotePage.objects.visible_to(None).filter(organisation=organisation).newest_first(),
        "case_studies": CaseStudyPage.objects.visible_to(None).filter(organisation=organisation).newest_first(),
        "visits_hosted": PeerVisitReportPage.objects.visible_to(None)
        .filter(host_organisation=organisation)
        .newest_first(),
        "visits_made": PeerVisitReportPage.objects.visible_to(None)
        .filter(visiting_organisations=organisation)
        .select_related("host_organisation")
        .newest_first(),
    }
    return TemplateResponse(request, "improvement/organisation_detail.html", context)


def change_idea_detail(request, slug):
    public = KnowledgePage.objects.live().public().filter(pk=OuterRef("page_id"))
    evidence = ChangeIdeaEvidence.objects.filter(Exists(public)).select_related("page").order_by("sort_order", "pk")
    idea = get_object_or_404(
        ChangeIdea.objects.select_related("driver__parent").prefetch_related(
            "workstreams", Prefetch("evidence", queryset=evidence)
        ),
        slug=slug,
    )
    current = (
        ChangeIdeaStatus.objects.current()
        .for_change_idea(idea)
        .select_related("organisation__setting")
        .order_by("organisation__name")
    )
    by_status = {status: defaultdict(list) for status in Status}
    for row in current:
        by_status[row.status][row.organisation.setting].append(row.organisation)
    settings_order = {setting.pk: n for n, setting in enumerate(Setting.objects.all())}
    groups = [
        {
            "status": status,
            "count": sum(len(organisations) for organisations in by_setting.values()),
            "settings": sorted(by_setting.items(), key=lambda item: settings_order.get(item[0].pk, 0)),
        }
        for status, by_setting in by_status.items()
    ]
    months = spread_by_month(idea)
    roadmap = RoadmapPage.objects.live().public().first()
    context = {
        "idea": idea,
        "groups": groups,
        "months": months,
        "spread_months": SPREAD_MONTHS,
        "charts": spread_chart_svgs(months, f"Organisations testing and adopted {idea.title}"),
        "learning_notes": LearningNotePage.objects.visible_to(None)
        .filter(change_idea_statuses__change_idea=idea, change_idea_statuses__withdrawn_at__isnull=True)
        .distinct()
        .select_related("organisation")
        .newest_first(),
        "roadmap_url": roadmap.url if roadmap else "",
    }
    return TemplateResponse(request, "improvement/change_idea.html", context)
