"""Cards, search results and term links drawn in Python are the HTML the templates drew, byte for byte."""

import datetime

import pytest
from django.template import Context, Engine
from django.test import RequestFactory
from django.utils.safestring import mark_safe

from casestudies.factories import CaseStudyPageFactory
from portal.core import cards
from portal.taxonomy.models import SafetyDomain, Setting
from search.results import Hit, Term

pytestmark = pytest.mark.django_db

# The templates these functions replace, as they were (templates/includes/card.html,
# templates/includes/term_links.html and templates/search/hit.html).
TERM_LINKS = (
    "{# Care settings and safety domains as links to their browse pages. #}\n{% if settings or domains %}\n"
    '<ul class="portal-terms" aria-label="Tagged with">\n'
    '  {% for setting in settings %}<li><a class="portal-term portal-term--setting" '
    'href="{{ setting.get_absolute_url }}">'
    '<span class="nhsuk-u-visually-hidden">Care setting: </span>{{ setting.name }}</a></li>{% endfor %}\n'
    '  {% for domain in domains %}<li><a class="portal-term portal-term--domain" '
    'href="{{ domain.get_absolute_url }}">'
    '<span class="nhsuk-u-visually-hidden">Safety domain: </span>{{ domain.name }}</a></li>{% endfor %}\n'
    "</ul>\n{% endif %}\n"
)
META = (
    '<p class="nhsuk-body-s nhsuk-u-margin-bottom-2 portal-card__meta"><strong class="nhsuk-tag nhsuk-tag--white">'
    "{{ X.content_type_label }}</strong> {% if X.members_only %}"
    '<strong class="nhsuk-tag nhsuk-tag--purple portal-members-only">Members only</strong> {% endif %}'
    '<time datetime="{{ X.date|date:\'Y-m-d\' }}">{{ X.date|date:"j F Y" }}</time></p>'
)
CARD = (
    "{% load wagtailcore_tags %}{# A knowledge page as a card. #}\n"
    '<div class="nhsuk-card portal-card">\n  <div class="nhsuk-card__content">\n    '
    + META.replace("X.", "item.")
    + '\n    <h{{ heading_level|default:2 }} class="nhsuk-card__heading nhsuk-heading-s"><a class="nhsuk-card__link"'
    ' href="{% pageurl item %}">{{ item.title }}</a></h{{ heading_level|default:2 }}>\n'
    '    <p class="nhsuk-card__description">{{ item.summary }}</p>\n'
    '    {% include "term_links" with settings=item.settings.all domains=item.safety_domains.all %}\n'
    "  </div>\n</div>\n"
)
HIT = (
    "{# One search result. #}\n"
    '<div class="nhsuk-card portal-card portal-hit">\n  <div class="nhsuk-card__content">\n    '
    + META.replace("X.", "hit.")
    + '\n    <h2 class="nhsuk-card__heading nhsuk-heading-s"><a class="nhsuk-card__link" href="{{ hit.url }}">'
    "{{ hit.title }}</a></h2>\n"
    '    <p class="nhsuk-card__description portal-hit__snippet">{{ hit.snippet }}</p>\n'
    "    {% if hit.settings or hit.domains %}\n"
    '    <ul class="portal-terms" aria-label="Tagged with">\n'
    '      {% for term in hit.settings %}<li><a class="portal-term portal-term--setting" '
    "href=\"{% url 'taxonomy:setting' term.slug %}\">"
    '<span class="nhsuk-u-visually-hidden">Care setting: </span>{{ term.name }}</a></li>{% endfor %}\n'
    '      {% for term in hit.domains %}<li><a class="portal-term portal-term--domain" '
    "href=\"{% url 'taxonomy:domain' term.slug %}\">"
    '<span class="nhsuk-u-visually-hidden">Safety domain: </span>{{ term.name }}</a></li>{% endfor %}\n'
    "    </ul>\n    {% endif %}\n  </div>\n</div>\n"
)


def _engine():
    return Engine(
        loaders=[("django.template.loaders.locmem.Loader", {"term_links": TERM_LINKS, "card": CARD, "hit": HIT})],
        libraries={"wagtailcore_tags": "wagtail.templatetags.wagtailcore_tags"},
    )


def _old(name, **context):
    return _engine().get_template(name).render(Context(context))


HOSTILE = "<script>alert('x')</script> & \"quoted\""


@pytest.fixture
def request_(home):
    return RequestFactory().get("/", HTTP_HOST="localhost")


@pytest.mark.parametrize("members_only", [False, True])
@pytest.mark.parametrize("heading_level", [2, 3])
@pytest.mark.parametrize("with_terms", [True, False])
def test_a_card_is_the_html_the_template_drew(case_study_index, request_, members_only, heading_level, with_terms):
    page = CaseStudyPageFactory(
        parent=case_study_index,
        title=f"Falls {HOSTILE}",
        summary=f"Night-time falls {HOSTILE}",
        date=datetime.date(2024, 3, 7),
        settings=["care-homes", "general-practice"],
        safety_domains=["past-harm"],
    )
    if not with_terms:
        page.settings.set([])
        page.safety_domains.set([])
    page.members_only = members_only
    Setting.objects.filter(slug="care-homes").update(name=f"Care homes {HOSTILE}")
    SafetyDomain.objects.filter(slug="past-harm").update(name=f"Past harm {HOSTILE}")
    page.settings.all()  # fresh from the database, as a listing reads them

    expected = _old("card", item=page, heading_level=heading_level, request=request_)
    drawn = cards.card(Context({"request": request_}), page, heading_level)

    assert drawn == expected
    assert "<script>" not in drawn
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;" in drawn
    assert ("Members only" in drawn) is members_only
    assert (">Care setting: </span>" in drawn) is with_terms


@pytest.mark.parametrize("with_terms", [True, False])
@pytest.mark.parametrize("members_only", [False, True])
def test_a_search_result_is_the_html_the_template_drew(db, with_terms, members_only):
    terms = (Term(slug="care-homes", name=f"Care homes {HOSTILE}"),) if with_terms else ()
    domains = (Term(slug="past-harm", name="Past harm"),) if with_terms else ()
    hit = Hit(
        page_id=1,
        title=f"Falls {HOSTILE}",
        content_type="case-study",
        url="/case-studies/falls/?a=1&b=2",
        date=datetime.date(2023, 11, 30),
        settings=terms,
        domains=domains,
        snippet=mark_safe("Fewer <mark>falls</mark> &amp; more"),
        members_only=members_only,
    )

    expected = _old("hit", hit=hit)
    drawn = cards.search_hit(hit)

    assert drawn == expected
    assert "Fewer <mark>falls</mark> &amp; more" in drawn
    assert 'href="/case-studies/falls/?a=1&amp;b=2"' in drawn


def test_term_links_are_the_html_the_template_drew(db):
    settings = list(Setting.objects.order_by("sort_order")[:2])
    domains = list(SafetyDomain.objects.order_by("sort_order")[:3])
    for given in [(settings, domains), (settings, []), ([], domains), ([], [])]:
        assert cards.term_links(*given) == _old("term_links", settings=given[0], domains=given[1])


def test_the_listing_draws_its_cards_in_python(navigation, learning_index, client):
    """The listing page shows the same cards: a title linked to its page, the summary and the term links."""
    from learning.factories import LearningNotePageFactory

    note = LearningNotePageFactory(parent=learning_index, title="Moving the tea trolley", summary="Fewer falls.")
    html = client.get(learning_index.url).content.decode()
    assert f'<a class="nhsuk-card__link" href="{note.url}">Moving the tea trolley</a>' in html
    assert '<p class="nhsuk-card__description">Fewer falls.</p>' in html
