from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.safestring import mark_safe
from wagtail.models import Site
from wagtailnhsukfrontend.settings.models import HeaderSettings

from portal.core.access import is_moderator, keeps_records
from portal.core.frontend import FRONTEND_SUPPORTED_SCRIPT

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    return f"?{params.urlencode()}"


@register.simple_tag
def frontend_supported_script():
    """The design system's inline script that marks the page as run with JavaScript.

    Its text is the one whose hash the Content Security Policy allows (portal.core.frontend).
    """
    # A constant of ours, not user text; escaping would change the script and break its hash.
    return mark_safe(f"<script>{FRONTEND_SUPPORTED_SCRIPT}</script>")  # noqa: S308


@register.filter
def elided_pages(page_obj):
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)


@register.inclusion_tag("wagtailnhsukfrontend/header.html", takes_context=True)
def portal_header(context):
    """The NHS.UK header from wagtail-nhsuk-frontend, fed in a fixed number of queries.

    The package's own ``header`` tag loads each navigation link's page with a
    query of its own and labels its search box 'Search the NHS website'; this
    builds the same context for the package's template with the links' pages
    fetched in one query and the search box labelled for this portal.
    """
    request = context["request"]
    header = HeaderSettings.for_request(request)
    site = Site.find_for_request(request)
    root_url = site.root_page.relative_url(site)
    links = []
    for link in header.navigation_links.select_related("page"):
        if link.page is None:
            continue
        url = link.page.relative_url(site)
        links.append(
            {
                "label": link.label,
                "url": url,
                "current": url == request.path,
                "active": url != "/" and request.path.startswith(url),
            }
        )
    organisation_link = _organisation_link(request)
    if organisation_link is not None:
        links.append(organisation_link)
    return {
        "service_name": header.service_name,
        "service_href": root_url,
        "service_long_name": header.service_long_name,
        "transactional": header.transactional,
        "organisation_name": header.organisation_name,
        "organisation_split_name": header.organisation_split_name,
        "organisation_descriptor": header.organisation_descriptor,
        "organisation_white": header.organisation_white,
        "logo_href": root_url,
        "logo_aria": header.logo_aria,
        "logo_custom": header.logo_custom,
        "show_search": header.show_search,
        "search_action": reverse("search"),
        "search_field_name": "q",
        "search_visually_hidden_label": "Search the Safety Learning Portal",
        "search_placeholder": "Search learning",
        "search_visually_hidden_button": "Search",
        "primary_links": links,
        "account": _account_links(request),
    }


def _organisation_link(request):
    """A way in to /my-organisation/ (change ideas and local measures) for those who may keep records.

    An approved member whose organisation is confirmed, and the programme team
    (who choose an organisation there). Last in the navigation, so on a phone
    it sits in the "More" menu rather than adding a row to the header. Only
    signed-in people see it, and their pages are never cached
    (``portal.core.pagecache``).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if keeps_records(user):
        label = "Your organisation"
    elif is_moderator(user):
        label = "Organisations' records"
    else:
        return None
    url = reverse("improvement:mine")
    return {"label": label, "url": url, "current": request.path == url, "active": request.path.startswith(url)}


def _account_links(request):
    """The header's account links. Reading ``request.user`` costs nothing more:
    the page has already loaded the user for the Wagtail user bar."""
    user = getattr(request, "user", None)
    share_url = reverse("share:index")
    if user is not None and user.is_authenticated:
        return {
            "signed_in": True,
            "share_url": share_url,
            "profile_url": reverse("members:profile"),
            "logout_url": reverse("account_logout"),
            "csrf_token": get_token(request),
        }
    return {
        "signed_in": False,
        "share_url": share_url,
        "login_url": reverse("account_login"),
        "signup_url": reverse("account_signup"),
    }
