"""The SVG helper the roadmap's and the culture results' charts share."""

from portal.core.svg import tag


def test_attribute_values_are_escaped():
    assert tag("text", {"x": 4, "class": '"><script>'}, "Falls &amp; harm") == (
        '<text x="4" class="&quot;&gt;&lt;script&gt;">Falls &amp; harm</text>'
    )


def test_an_element_without_content_closes_itself():
    assert tag("circle", {"cx": 8, "r": 7}) == '<circle cx="8" r="7"/>'
    assert tag("title", {}, "Falls") == "<title>Falls</title>"
