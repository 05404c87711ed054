"""The roadmap as read-only JSON, for partners' own dashboards and reports.

Endpoints follow Wagtail's API v2 conventions (``meta.total_count`` and
``items``, ``?limit=``/``?offset=``, ``?fields=``) so anyone who has used a
Wagtail API already knows them; see
https://docs.wagtail.org/en/stable/advanced_topics/api/v2/configuration.html.
The response shapes are declared here, next to the querysets that feed them,
so that each relation a serializer reads is fetched once per page of results,
never once per item.
"""

from django.db import models
from rest_framework import serializers
from rest_framework.filters import BaseFilterBackend
from wagtail.api import APIField
from wagtail.api.v2.utils import BadRequestError, get_object_detail_url
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.models import Page

from portal.core.models import KnowledgePage
from portal.core.public_api import PublicAPIMixin
from portal.taxonomy.models import SafetyDomain, Setting

from .models import ChangeIdea, ChangeIdeaEvidence, Measure, Milestone, Workstream

# Serializers for the pieces that several endpoints share ---------------------


class TermSerializer(serializers.Serializer):
    """A care setting or safety domain: its slug (for filters) and its name."""

    slug = serializers.CharField()
    name = serializers.CharField()


class OrganisationSerializer(serializers.Serializer):
    name = serializers.CharField()
    locality = serializers.CharField()


class WorkstreamLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class PageLinkSerializer(serializers.Serializer):
    """A knowledge page as a link: where a person reads it, and where the API has it."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    type = serializers.CharField(source="content_type_label")
    html_url = serializers.SerializerMethodField()
    detail_url = serializers.SerializerMethodField()

    def get_html_url(self, page):
        return page.get_full_url(self.context["request"])

    def get_detail_url(self, page):
        return get_object_detail_url(self.context["router"], self.context["request"], Page, page.pk)


class StatusChangeSerializer(serializers.Serializer):
    date = serializers.DateField()
    status = serializers.CharField()
    reason = serializers.CharField()
    update = PageLinkSerializer(allow_null=True)


class DataPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.FloatField()


class AnnotationSerializer(serializers.Serializer):
    date = serializers.DateField()
    text = serializers.CharField()


class EvidenceSerializer(PageLinkSerializer):
    """A change idea's evidence row, shown as the page it points to."""

    def to_representation(self, evidence):
        return super().to_representation(evidence.page)


class PrimaryDriverSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class DriverSerializer(serializers.Serializer):
    """A secondary driver with the primary driver above it."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    primary_driver = PrimaryDriverSerializer(source="parent")


def _terms(name):
    return APIField(name, serializer=TermSerializer(many=True))


# Filtering ----------------------------------------------------------------------


class RoadmapFilter(BaseFilterBackend):
    """Narrow a listing by ``?setting=``, ``?domain=``, ``?workstream=`` or ``?status=``.

    Each endpoint lists the filters it accepts in ``filters``: the query
    parameter, the model whose slug it names (or a ``TextChoices`` class for a
    fixed list of values) and the lookup that applies it. A value that names
    nothing is a 400 that lists the values that would work, not an empty list:
    a mistyped slug should never look like "no results".
    """

    def filter_queryset(self, request, queryset, view):
        for parameter, (vocabulary, lookup) in view.filters.items():
            if parameter not in request.GET:
                continue
            value = request.GET[parameter]
            if issubclass(vocabulary, models.Model):
                term = vocabulary.objects.filter(slug=value).first()
                choices = vocabulary.objects.values_list("slug", flat=True)
            else:
                term = value if value in vocabulary.values else None
                choices = vocabulary.values
            if term is None:
                raise BadRequestError(f"unknown {parameter} '{value}'; choose one of: {', '.join(choices)}")
            queryset = queryset.filter(**{lookup: term})
        return queryset.distinct() if getattr(view, "filters_may_repeat", False) else queryset


# Endpoints ---------------------------------------------------------------------


class RoadmapAPIViewSet(PublicAPIMixin, BaseAPIViewSet):
    """GET only, and only the query parameters an endpoint documents."""

    filter_backends = [RoadmapFilter]
    filters = {}
    # Wagtail's pagination and field selection; "_" is jQuery's cache-buster.
    known_query_parameters = frozenset(["limit", "offset", "fields", "format", "_"])

    def check_query_parameters(self, queryset):
        # Wagtail's check also lets through any database field name, which this
        # API does not filter on; refuse those rather than silently ignore them.
        unknown = set(self.request.GET) - self.known_query_parameters - set(self.filters)
        if unknown:
            raise BadRequestError(
                f"query parameter is not an operation or a filter: {', '.join(sorted(unknown))} "
                f"(filters here: {', '.join(sorted(self.filters)) or 'none'})"
            )


class WorkstreamAPIViewSet(RoadmapAPIViewSet):
    model = Workstream
    body_fields = [
        "id",
        "title",
        "slug",
        "description",
        APIField("lead_organisation", serializer=OrganisationSerializer(allow_null=True)),
        _terms("settings"),
        _terms("safety_domains"),
    ]
    listing_default_fields = [
        "id",
        "type",
        "detail_url",
        "title",
        "slug",
        "lead_organisation",
        "settings",
        "safety_domains",
    ]
    filters = {"setting": (Setting, "settings"), "domain": (SafetyDomain, "safety_domains")}

    def get_queryset(self):
        return Workstream.objects.select_related("lead_organisation").prefetch_related("settings", "safety_domains")


class MilestoneAPIViewSet(RoadmapAPIViewSet):
    model = Milestone
    body_fields = [
        "id",
        "title",
        "description",
        APIField("workstream", serializer=WorkstreamLinkSerializer()),
        APIField("lead_organisation", serializer=OrganisationSerializer(allow_null=True)),
        _terms("settings"),
        _terms("safety_domains"),
        "planned_date",
        "actual_date",
        "status",
        APIField("status_label", serializer=serializers.CharField(source="get_status_display")),
        APIField("status_history", serializer=StatusChangeSerializer(source="status_changes", many=True)),
    ]
    listing_default_fields = [
        "id",
        "type",
        "detail_url",
        "title",
        "workstream",
        "settings",
        "safety_domains",
        "planned_date",
        "actual_date",
        "status",
        "status_label",
        "status_history",
    ]
    filters = {
        "setting": (Setting, "settings"),
        "domain": (SafetyDomain, "safety_domains"),
        "workstream": (Workstream, "workstream"),
        "status": (Milestone.Status, "status"),
    }

    def get_queryset(self):
        return Milestone.objects.for_timeline().order_by("planned_date", "title", "pk")


class MeasureAPIViewSet(RoadmapAPIViewSet):
    model = Measure
    body_fields = [
        "id",
        "name",
        "slug",
        "definition",
        "unit",
        APIField("safety_domain", serializer=TermSerializer()),
        _terms("settings"),
        "direction",
        "chart_type",
        "baseline_points",
        APIField("workstream", serializer=WorkstreamLinkSerializer(allow_null=True)),
        APIField("data_points", serializer=DataPointSerializer(many=True)),
        APIField("annotations", serializer=AnnotationSerializer(many=True)),
    ]
    listing_default_fields = [
        "id",
        "type",
        "detail_url",
        "name",
        "slug",
        "unit",
        "safety_domain",
        "settings",
        "direction",
        "chart_type",
        "workstream",
        "data_points",
        "annotations",
    ]
    filters = {
        "setting": (Setting, "settings"),
        "domain": (SafetyDomain, "safety_domain"),
        "workstream": (Workstream, "workstream"),
    }

    def get_queryset(self):
        return Measure.objects.select_related("safety_domain", "workstream").prefetch_related(
            "settings", "data_points", "annotations"
        )


class ChangeIdeaAPIViewSet(RoadmapAPIViewSet):
    """Change ideas have no settings or domains of their own: they take those of the
    workstreams testing them, so ``?setting=care-homes`` lists the ideas being tried
    by a workstream that works in care homes."""

    model = ChangeIdea
    body_fields = [
        "id",
        "title",
        "description",
        APIField("driver", serializer=DriverSerializer()),
        APIField("workstreams", serializer=WorkstreamLinkSerializer(many=True)),
        APIField("evidence", serializer=EvidenceSerializer(many=True)),
    ]
    listing_default_fields = ["id", "type", "detail_url", "title", "driver", "workstreams", "evidence"]
    filters = {
        "setting": (Setting, "workstreams__settings"),
        "domain": (SafetyDomain, "workstreams__safety_domains"),
        "workstream": (Workstream, "workstreams"),
    }
    filters_may_repeat = True

    def get_queryset(self):
        public_evidence = (
            ChangeIdeaEvidence.objects.filter(page__in=KnowledgePage.objects.live().public())
            .select_related("page")
            .order_by("sort_order", "pk")
        )
        return (
            ChangeIdea.objects.select_related("driver__parent")
            # Evidence as on the roadmap page: live, public pages only, whoever asks.
            .prefetch_related("workstreams", models.Prefetch("evidence", queryset=public_evidence))
            .order_by("driver__parent__sort_order", "driver__sort_order", "sort_order", "pk")
        )
