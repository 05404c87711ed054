"""Cards and term links drawn in Python: the pieces a listing repeats a dozen times.

A listing draws twelve cards, each with its care settings and safety domains
as links, and a search page ten results. Drawn through a template include
per card and another per card's links, they took about half of a listing's
render (docs/performance.md, "Uncached throughput against bakerydemo and
main"). These functions write the same HTML, byte for byte, with every value
escaped by ``format_html`` as the template's autoescaping did;
``tests/core/test_cards.py`` compares them with the templates they replace.
"""

from functools import lru_cache

from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from wagtail.templatetags.wagtailcore_tags import pageurl

_MEMBERS_ONLY = '<strong class="nhsuk-tag nhsuk-tag--purple portal-members-only">Members only</strong> '


def _links(settings, domains, setting_url, domain_url, indent):
    """The ``<ul>`` of term links, or nothing; ``indent`` is the whitespace the template put before each row."""
    setting_items = "".join(
        format_html(
            '<li><a class="portal-term portal-term--setting" href="{}">'
            '<span class="nhsuk-u-visually-hidden">Care setting: </span>{}</a></li>',
            setting_url(setting),
            setting.name,
        )
        for setting in settings
    )
    domain_items = "".join(
        format_html(
            '<li><a class="portal-term portal-term--domain" href="{}">'
            '<span class="nhsuk-u-visually-hidden">Safety domain: </span>{}</a></li>',
            domain_url(domain),
            domain.name,
        )
        for domain in domains
    )
    return (
        f'\n{indent}<ul class="portal-terms" aria-label="Tagged with">\n'
        f"{indent}  {setting_items}\n{indent}  {domain_items}\n{indent}</ul>\n"
    )


def term_links(settings, domains):
    """What ``includes/term_links.html`` drew: care settings and safety domains as links to their pages."""
    settings = list(settings or ())
    domains = list(domains or ())
    if not settings and not domains:
        return mark_safe("\n\n")
    links = _links(settings, domains, lambda term: term.get_absolute_url(), lambda term: term.get_absolute_url(), "")
    return mark_safe(f"\n{links}\n")  # noqa: S308 - every value in it went through format_html


def _meta(item):
    members_only = _MEMBERS_ONLY if getattr(item, "members_only", False) else ""
    return format_html(
        '<p class="nhsuk-body-s nhsuk-u-margin-bottom-2 portal-card__meta">'
        '<strong class="nhsuk-tag nhsuk-tag--white">{}</strong> {}<time datetime="{}">{}</time></p>',
        item.content_type_label,
        mark_safe(members_only),  # noqa: S308 - a constant
        date_filter(item.date, "Y-m-d"),
        date_filter(item.date, "j F Y"),
    )


def card(context, item, heading_level=2):
    """What ``includes/card.html`` drew: a knowledge page as a card, with its settings and domains."""
    level = conditional_escape(heading_level or 2)
    heading = format_html(
        '<h{} class="nhsuk-card__heading nhsuk-heading-s"><a class="nhsuk-card__link" href="{}">{}</a></h{}>',
        level,
        pageurl(context, item),
        item.title,
        level,
    )
    description = format_html('<p class="nhsuk-card__description">{}</p>', item.summary)
    links = term_links(item.settings.all(), item.safety_domains.all())
    return mark_safe(  # noqa: S308 - every value in it went through format_html
        '\n<div class="nhsuk-card portal-card">\n  <div class="nhsuk-card__content">\n'
        f"    {_meta(item)}\n    {heading}\n    {description}\n    {links}\n  </div>\n</div>\n"
    )


def _url_context():
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


@lru_cache(maxsize=512)
def _term_url(name, slug, prefix, urlconf):
    """``reverse(name, args=[slug])``, which depends only on the URLconf and the script prefix (the key).

    A page of search results reverses some thirty term links, at a good part
    of each card's cost.
    """
    return reverse(name, args=[slug], urlconf=urlconf)


def search_hit(hit):
    """What ``search/hit.html`` drew: one search result, with its snippet's marked words."""
    heading = format_html(
        '<h2 class="nhsuk-card__heading nhsuk-heading-s"><a class="nhsuk-card__link" href="{}">{}</a></h2>',
        hit.url,
        hit.title,
    )
    snippet = format_html('<p class="nhsuk-card__description portal-hit__snippet">{}</p>', hit.snippet)
    if hit.settings or hit.domains:
        links = (
            _links(
                hit.settings,
                hit.domains,
                lambda term: _term_url("taxonomy:setting", term.slug, *_url_context()),
                lambda term: _term_url("taxonomy:domain", term.slug, *_url_context()),
                "    ",
            )
            + "    "
        )
    else:
        links = ""
    return mark_safe(  # noqa: S308 - every value in it went through format_html
        '\n<div class="nhsuk-card portal-card portal-hit">\n  <div class="nhsuk-card__content">\n'
        f"    {_meta(hit)}\n    {heading}\n    {snippet}\n    {links}\n  </div>\n</div>\n"
    )
