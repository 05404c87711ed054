"""Whatever is typed or put in the address, search answers a page, never a server error, never markup.

FTS5 query syntax errors are the classic way to make a SQLite search fail;
PostgreSQL refuses NUL characters outright. These run on whichever database
DATABASE_URL names; CI runs them on both.
"""

from urllib.parse import quote

import pytest
from django.core.cache import cache

from learning.factories import LearningNotePageFactory
from tests.helpers import card_titles

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<b>falls</b>",
    "'",
    '"',
    '""',
    '"falls',
    'falls"',
    '"falls" "night',
    "falls AND",
    "AND OR NOT",
    "NOT falls",
    "falls OR",
    "NEAR(falls night)",
    "NEAR/2 falls",
    "falls*",
    "*",
    "^falls",
    "-falls",
    "falls -night",
    "title:falls",
    "{title body} : falls",
    "falls)",
    "((falls",
    "\\",
    "%",
    "_",
    "falls'; DROP TABLE wagtailcore_page; --",
    "falls " * 400,
    "x" * 2000,
    "falls\x00night",
    "\x00",
    "\x01\x02\x1b[31m",
    "falls\u200bnight",
    "\u202efalls",
    "🙂",
    "👩🏽‍⚕️ falls 💊",
    "ﬁre sаfety",  # a ligature and a Cyrillic a
    "フォール",
    "falls &amp; &lt;night&gt;",
]


@pytest.fixture(autouse=True)
def _fresh_term_dictionary():
    cache.clear()


@pytest.fixture
def pages(learning_index):
    LearningNotePageFactory(parent=learning_index, title="Falls at night", summary="Falls & <night> staff.")
    LearningNotePageFactory(parent=learning_index, title="Fire safety drills", tags=["fire"])


def visible_text(html):
    """The page without the parts that legitimately contain markup-like characters of their own."""
    return html.split('id="maincontent"', 1)[1].split("<footer", 1)[0]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_search_answers_and_never_reflects_markup(client, pages, text):
    response = client.get(f"/search/?q={quote(text)}")
    assert response.status_code == 200
    html = response.content.decode()
    main = visible_text(html)
    for dangerous in ("<script", "<img", "<b>"):
        assert dangerous not in main
    assert "\x00" not in html
    if text.strip("\x00\x01\x02"):  # anything left to search for is answered with a count
        status = main.split('role="status">', 1)[1].split("</p>", 1)[0]
        assert "result" in status and "<" not in status


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_suggestions_answer_json(client, pages, text):
    response = client.get(f"/search/suggest/?q={quote(text)}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.content.decode()
    assert "<" not in body and ">" not in body


def test_search_syntax_is_searched_as_words(client, pages):
    assert card_titles(client.get("/search/?q=" + quote('falls" AND "night'))) == ["Falls at night"]
    # NEAR is searched as the word "near", which no page has: the pages with the other words are shown, saying so.
    near = client.get("/search/?q=" + quote("NEAR(falls night)"))
    assert card_titles(near) == ["Falls at night"]
    assert "No page mentions ‘near’." in near.content.decode()
    assert card_titles(client.get("/search/?q=" + quote("-falls"))) == ["Falls at night"]


@pytest.mark.parametrize(
    "query",
    [
        "q=falls&setting=%3Cscript%3E",
        "q=falls&setting=%00",
        "q=falls&domain=%27%22",
        "q=falls&tag=%00%01",
        "q=falls&type=../../etc",
        "q=falls&year=2020%00",
        "q=falls&year=99999",
        "q=falls&page=-1",
        "q=falls&page=0",
        "q=falls&page=99999999999999999999999",
        "q=falls&page=%00",
        "q=falls&sort=%3Cx%3E",
        "q=falls&exact=%00",
        "q=%ff%fe",
        "q=falls&" + "&".join(f"setting=s{number}" for number in range(200)),
        "q[]=falls",
        "setting=%3Cscript%3E",
    ],
)
def test_hostile_parameters_are_ignored_with_a_message(client, pages, query):
    response = client.get(f"/search/?{query}")
    assert response.status_code == 200
    main = visible_text(response.content.decode())
    assert "<script" not in main and "\x00" not in main


def test_a_hostile_related_page_lookup_cannot_break_a_page(client, learning_index):
    page = LearningNotePageFactory(parent=learning_index, title="A <script>x</script> title", tags=["<b>tag</b>"])
    LearningNotePageFactory(parent=learning_index, title="Another <img src=x>", tags=["<b>tag</b>"])
    html = client.get(page.url).content.decode()
    related = html.split('id="related-heading"', 1)[1].split("</section>", 1)[0]
    assert "Another &lt;img src=x&gt;" in related
    assert "<img" not in related
