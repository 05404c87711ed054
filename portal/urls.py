from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from portal.api import api_router

urlpatterns = [
    # One sign-in for everyone (issue #6): the admins' own sign-in pages send
    # people to allauth's, which throttles failed attempts and asks for the
    # two-factor code. See docs/security.md.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("django-admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    # One password reset, allauth's, which is throttled per address and per client
    # (issue 14): Wagtail's own reset pages, switched off by
    # WAGTAIL_PASSWORD_RESET_ENABLED, send people there too.
    re_path(r"^admin/password_reset/", RedirectView.as_view(pattern_name="account_reset_password")),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", include("search.urls")),
    path("feeds/", include("portal.feeds_urls")),
    path("accounts/", include("allauth.urls")),
    path("comments/", include("portal.comments.urls")),
    path("digests/", include("portal.members.digest_urls")),
    path("members/", include("portal.members.urls")),
    path("share/", include("learning.share_urls")),
    # Safety culture self-assessment (issue #7)
    path("culture/", include("portal.culture.urls")),
    # An organisation's own local measures and change ideas, and the public pages of spread (issue 18)
    path("my-organisation/measures/", include("portal.localmeasures.urls")),
    path("my-organisation/", include("portal.improvement.urls")),
    path("organisations/", include("portal.improvement.organisation_urls")),
    path("roadmap/change-ideas/", include("portal.improvement.change_idea_urls")),
    path("", include("portal.core.term_urls")),
    path("api/v2/", api_router.urls),
    path("sitemap.xml", sitemap),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's pages, found by portal.core.routing (Wagtail's serve view with a quicker walk to the page).
urlpatterns += [path("", include("portal.core.routing"))]
