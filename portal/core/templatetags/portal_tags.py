from functools import lru_cache

from django import template
from django.conf import settings
from django.http import QueryDict
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar
from wagtail.models import Site
from wagtailnhsukfrontend.settings.models import HeaderSettings
from wagtailnhsukfrontend.settings.templatetags.nhsukfrontendsettings_tags import footer as footer_context

from portal.core import cards
from portal.core.access import is_moderator, keeps_records, may_use_admin
from portal.core.csrf import token_for
from portal.core.frontend import FRONTEND_SUPPORTED_SCRIPT
from portal.core.memo import remember
from portal.core.models import leads_to_member_only_page

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


def _header_settings(request):
    """The header's settings and navigation links for the request's site, kept until content changes.

    The same for every reader; navigation links and header settings are
    content (``portal.core.purge``), so editing them, or publishing, moving or
    unpublishing a linked page, replaces the content generation and the next
    request reads them afresh. Kept by the host the request names, which
    decides its site, so that a view that is not a Wagtail page (search, a
    care setting's page) need not look the site up.
    """

    def read():
        site = Site.find_for_request(request)
        header = HeaderSettings.for_site(site)
        root_url = site.root_page.relative_url(site)
        links = [
            (link.label, link.page.relative_url(site))
            for link in header.navigation_links.select_related("page")
            if link.page is not None
        ]
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
            "links": links,
        }

    return remember(f"header:{request.get_host()}", read)


def _url(name):
    """``reverse(name)`` for the header's addresses, which take no arguments: worked out once per process.

    An address depends only on the URLconf and the script prefix, which are
    the key (as ``portal.core.cards`` keeps term links); the header of a
    signed-in page reverses five, each costing about as much as a query's
    SQL takes to run.
    """
    return _fixed_url(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=64)
def _fixed_url(name, prefix, urlconf):
    return reverse(name, urlconf=urlconf)


@register.inclusion_tag("wagtailnhsukfrontend/header.html", takes_context=True)
def portal_header(context):
    """The NHS.UK header from wagtail-nhsuk-frontend, with no queries of its own most of the time.

    The package's own ``header`` tag loads each navigation link's page with a
    query of its own and labels its search box 'Search the NHS website'; this
    builds the same context for the package's template from settings kept
    until content changes (``_header_settings``), marks the current link for
    this request, and labels the search box for this portal.
    """
    request = context["request"]
    header = dict(_header_settings(request))
    links = [
        {
            "label": label,
            "url": url,
            "current": url == request.path,
            "active": url != "/" and request.path.startswith(url),
        }
        for label, url in header.pop("links")
    ]
    organisation_link = _organisation_link(request)
    if organisation_link is not None:
        links.append(organisation_link)
    return {
        **header,
        "search_action": _url("search"),
        "search_field_name": "q",
        "search_visually_hidden_label": "Search the Safety Learning Portal",
        "search_placeholder": "Search learning",
        "search_visually_hidden_button": "Search",
        "primary_links": links,
        "account": _account_links(request),
    }


@register.simple_tag(takes_context=True)
def portal_footer(context):
    """The NHS.UK footer (``wagtailnhsukfrontend/footer.html``), drawn once per content generation.

    It is the same for every reader and request, and everything in it (the
    footer links, the portal settings, the pages a column links to) is
    content whose change replaces the generation (``portal.core.purge``).
    """
    request = context["request"]

    def draw():
        footer = footer_context({"request": request})
        return get_template("wagtailnhsukfrontend/footer.html").render(footer)

    # Kept by host, as the header's settings are: the host decides the site.
    return mark_safe(remember(f"footer-html:{request.get_host()}", draw))  # noqa: S308 - a rendered template


@register.simple_tag(takes_context=True)
def portal_breadcrumb(context):
    """wagtail-nhsuk-frontend's breadcrumb for ``page``, drawn once per page and content generation.

    The package's tag finds the page's site and its ancestors with queries of
    their own on every request. The trail is the same for every reader (the
    ancestors' titles and addresses), and publishing, moving or unpublishing
    any page replaces the generation. A preview draws it afresh: the page
    being previewed may not be saved, or may be about to move.
    """
    request = context["request"]
    page = context["page"]
    site = Site.find_for_request(request)

    def draw():
        root = site.root_page if site else page.get_site().root_page
        ancestors = list(page.get_ancestors(inclusive=False).descendant_of(root, inclusive=True).order_by("depth"))
        for ancestor in ancestors:
            if ancestor.pk == root.pk:
                ancestor.title = "Home"  # as every other page's trail starts (includes/simple_breadcrumb.html)
        return get_template("wagtailnhsukfrontend/breadcrumb.html").render(
            {"breadcrumb_pages": ancestors, "request": request}
        )

    if page.pk is None or getattr(request, "is_preview", False):
        return mark_safe(draw())  # noqa: S308 - a rendered template
    return mark_safe(remember(f"breadcrumb-html:{site.pk if site else None}:{page.pk}", draw))  # noqa: S308


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
    url = _url("improvement:mine")
    return {"label": label, "url": url, "current": request.path == url, "active": request.path.startswith(url)}


def _account_links(request):
    """The header's account links. Reading ``request.user`` costs nothing more:
    the page has already loaded the user for the Wagtail user bar."""
    user = getattr(request, "user", None)
    share_url = _url("share:index")
    if user is not None and user.is_authenticated:
        return {
            "signed_in": True,
            "share_url": share_url,
            "profile_url": _url("members:profile"),
            "logout_url": _url("account_logout"),
            "csrf_token": token_for(request),
        }
    return {
        "signed_in": False,
        "share_url": share_url,
        "login_url": _login_url_back_to(request),
        "signup_url": _url("account_signup"),
    }


def _login_url_back_to(request):
    """The sign-in page, with a return address to the page being drawn (``?next=``).

    Drawn for every request, never kept with the header's settings
    (``_header_settings``): the page cache stores a whole anonymous page under
    its own path and query, so each stored page names itself. No return
    address from the home page (where signing in goes anyway) or the account
    pages (signing in from the sign-in or sign-up page should not lead back to it).
    """
    login_url = _url("account_login")
    match = getattr(request, "resolver_match", None)
    on_an_account_page = match is not None and (match.url_name or "").startswith("account_")
    if request.path == "/" or on_an_account_page:
        return login_url
    query = QueryDict(mutable=True)
    query["next"] = request.get_full_path()
    return f"{login_url}?{query.urlencode(safe='/')}"


@register.simple_tag(takes_context=True)
def asks_for_member_only_page(context, url):
    """Whether the sign-in page was reached on the way to a member-only page (``leads_to_member_only_page``)."""
    return leads_to_member_only_page(context["request"], url)


@register.simple_tag(takes_context=True)
def card(context, item, heading_level=2):
    """A knowledge page as a card (``portal.core.cards.card``)."""
    return cards.card(context, item, heading_level)


@register.simple_tag(takes_context=True)
def kept_cards(context, items, heading_level=2):
    """A listing's cards, kept until content changes, once per set of pages shown and audience.

    A card shows only its page's published fields and its care settings and
    safety domains, which change when the page is published or a term is
    renamed (both replace the content generation), and whether the page is
    for members only, which the key says. Only their HTML is kept: which
    pages are shown is found afresh for every request, or, for a listing whose
    ids are kept (``portal.core.listing.KeptItems``), read from those, so that
    kept cards cost no query. Kept by host, as each card's link is relative to
    the request's site.
    """
    keys = getattr(items, "kept_keys", None)  # a listing's kept page (portal.core.listing.KeptItems): no query
    if keys is None:
        items = list(items)
        keys = [(item.pk, getattr(item, "members_only", False)) for item in items]
    if not keys:
        return ""
    request = context["request"]
    shown = ",".join(f"{pk}{'m' if members_only else ''}" for pk, members_only in keys)

    def draw():
        return "".join(f"\n      {cards.card(context, item, heading_level)}\n    " for item in items)

    return mark_safe(remember(f"cards-html:{request.get_host()}:{heading_level}:{shown}", draw))  # noqa: S308


@register.simple_tag
def term_links(settings, domains):
    """Care settings and safety domains as links to their pages (``portal.core.cards.term_links``)."""
    return cards.term_links(settings, domains)


@register.simple_tag
def search_hit(hit):
    """One search result (``portal.core.cards.search_hit``)."""
    return cards.search_hit(hit)


@register.simple_tag(takes_context=True)
def portal_userbar(context):
    """Wagtail's user bar, for those who may use the admin, asked with the rest of the reader's standing.

    Wagtail's tag asks ``user.has_perm("wagtailadmin.access_admin")``, which
    reads all of the user's own permissions and then all of their groups'
    (two queries on every signed-in page). Members have no admin access;
    whether someone has it comes with their groups and profile in one query
    (``portal.core.access.may_use_admin``), so a member's page draws nothing
    here and asks nothing more. Anyone who has it, and superusers, get
    Wagtail's own tag, which checks again.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not may_use_admin(user):
        return ""
    return wagtailuserbar(context)


@register.simple_tag
def filter_form(listing):
    """A listing's filter form (``forms/form_as_div.html``), kept until content changes when it can be.

    Its choices are care settings, safety domains and the topics the reader
    may see on that listing (``Listing.form_key`` names the listing and the
    audience), all content whose change replaces the generation. It is kept
    once per combination of chosen filters, and only when every value chosen
    names a real term: a value that names nothing is reported next to its
    filter and drawn afresh, so no text a reader typed is kept. The form is a
    GET form: no CSRF token.
    """
    form = listing.form

    def draw():
        return get_template("forms/form_as_div.html").render({"form": form})

    if listing.form_key is None or form.errors:
        return mark_safe(draw())  # noqa: S308 - a rendered template
    chosen = "&".join(
        f"{name}={form.cleaned_data.get(name).slug}" for name in form.fields if form.cleaned_data.get(name)
    )
    empty = "&".join(f"{name}:{form[name].value()!r}" for name in form.fields if not form.cleaned_data.get(name))
    return mark_safe(remember(f"filter-form:{listing.form_key}:{chosen}:{empty}", draw))  # noqa: S308


@register.simple_tag(takes_context=True)
def kept_tagging(context, page):
    """A knowledge page's "Tagged with" section (``includes/tagging.html``), kept until content changes.

    The same for every reader, and made only of content: the page's care
    settings, safety domains and topics change only when it is published
    (which replaces the content generation), and renaming a term or a topic
    replaces it too (``portal.core.purge``). A preview draws it afresh: the
    draft may be tagged differently from the live page.
    """
    request = context.get("request")

    def draw():
        return get_template("includes/tagging.html").render({"page": page})

    if page.pk is None or request is None or getattr(request, "is_preview", False):
        return mark_safe(draw())  # noqa: S308 - a rendered template
    return mark_safe(remember(f"tagging-html:{page.pk}", draw))  # noqa: S308
