"""Browse everything tagged with one care setting, one safety domain or one topic.

Members also see member-only pages here, labelled on their cards; nobody else does.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from taggit.models import Tag

from portal.core.access import audience
from portal.core.listing import build_listing
from portal.core.models import KnowledgePage
from portal.taxonomy.models import SafetyDomain, Setting


def setting_detail(request, slug):
    setting = get_object_or_404(Setting, slug=slug)
    listing = build_listing(
        request,
        KnowledgePage.objects.for_listing(request.user).in_setting(setting),
        fields=("domain",),
        remember_as=f"setting:{setting.pk}:{audience(request.user)}",
        form_key="setting-page",
    )
    return TemplateResponse(
        request, "taxonomy/setting_detail.html", {"term": setting, "listing": listing, "kind": "setting"}
    )


def domain_detail(request, slug):
    domain = get_object_or_404(SafetyDomain, slug=slug)
    listing = build_listing(
        request,
        KnowledgePage.objects.for_listing(request.user).in_domain(domain),
        fields=("setting",),
        remember_as=f"domain:{domain.pk}:{audience(request.user)}",
        form_key="domain-page",
    )
    return TemplateResponse(
        request, "taxonomy/domain_detail.html", {"term": domain, "listing": listing, "kind": "domain"}
    )


def setting_list(request):
    return TemplateResponse(request, "taxonomy/setting_list.html", {"terms": Setting.objects.all()})


def domain_list(request):
    return TemplateResponse(request, "taxonomy/domain_list.html", {"terms": SafetyDomain.objects.all()})


def topic_detail(request, slug):
    """Every kind of learning on one topic tag (a topic link on a case study used to show case studies only).

    A topic that no page the reader may see carries is not found, so the name
    of a topic used only on member-only pages is not shown to the public.
    """
    topic = get_object_or_404(Tag, slug=slug)
    pages = KnowledgePage.objects.for_listing(request.user).about_topic(topic)
    if not pages.exists():
        raise Http404("No learning the reader may see has this topic.")
    listing = build_listing(
        request, pages, fields=("setting", "domain"), remember_as=f"topic:{topic.pk}:{audience(request.user)}"
    )
    return TemplateResponse(request, "taxonomy/topic_detail.html", {"term": topic, "listing": listing, "kind": "topic"})
