"""Browse everything tagged with one care setting or one safety domain.

Members also see member-only pages here, labelled on their cards; nobody else does.
"""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from portal.core.listing import build_listing
from portal.core.models import KnowledgePage

from .models import SafetyDomain, Setting


def setting_detail(request, slug):
    setting = get_object_or_404(Setting, slug=slug)
    listing = build_listing(
        request, KnowledgePage.objects.for_listing(request.user).in_setting(setting), fields=("domain",)
    )
    return TemplateResponse(
        request, "taxonomy/setting_detail.html", {"term": setting, "listing": listing, "kind": "setting"}
    )


def domain_detail(request, slug):
    domain = get_object_or_404(SafetyDomain, slug=slug)
    listing = build_listing(
        request, KnowledgePage.objects.for_listing(request.user).in_domain(domain), fields=("setting",)
    )
    return TemplateResponse(
        request, "taxonomy/domain_detail.html", {"term": domain, "listing": listing, "kind": "domain"}
    )


def setting_list(request):
    return TemplateResponse(request, "taxonomy/setting_list.html", {"terms": Setting.objects.all()})


def domain_list(request):
    return TemplateResponse(request, "taxonomy/domain_list.html", {"terms": SafetyDomain.objects.all()})
