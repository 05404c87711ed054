"""Every response carries the security headers, and the public pages keep within their policy.

The public site's Content Security Policy allows no inline style and no inline
script but the design system's one line, by its hash, so as well as reading the
headers these tests read each page's markup for anything the policy would
block: a <script> without src whose hash the policy does not list, a style
attribute, or an on...= handler.
"""

import base64
import hashlib

import pytest
from bs4 import BeautifulSoup

from casestudies.factories import CaseStudyPageFactory
from learning.factories import LearningNotePageFactory, PeerVisitReportPageFactory
from portal.home.factories import StandardPageFactory
from portal.members.factories import UserFactory
from portal.roadmap.factories import MeasureFactory, RoadmapPageFactory
from portal.updates.factories import UpdatePageFactory

pytestmark = pytest.mark.django_db


def directives(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


@pytest.fixture
def public_urls(home, navigation, case_study_index, learning_index, peer_visit_index, update_index):
    roadmap = RoadmapPageFactory(parent=home)
    measure = MeasureFactory()
    return {
        "home": "/",
        "standard page": StandardPageFactory(parent=home).url,
        "case study listing": case_study_index.url,
        "learning listing": learning_index.url + "?setting=care-homes",
        "case study": CaseStudyPageFactory(parent=case_study_index).url,
        "learning note": LearningNotePageFactory(parent=learning_index).url,
        "peer-visit report": PeerVisitReportPageFactory(parent=peer_visit_index).url,
        "update": UpdatePageFactory(parent=update_index).url,
        "care setting": "/settings/care-homes/",
        "roadmap": roadmap.url,
        "milestones": roadmap.url + "milestones/",
        "dashboard": roadmap.url + "dashboard/",
        "measures": roadmap.url + "measures/",
        "measure": f"{roadmap.url}measures/{measure.slug}/",
        "search": "/search/?q=falls",
        "sign in": "/accounts/login/",
        "share": "/share/",
        "not found": "/no-such-page/",
    }


def test_every_public_page_type_gets_the_strict_policy_and_the_other_headers(client, public_urls):
    for name, url in public_urls.items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not found" else 200), name

        policy = directives(response)
        script_src = policy["script-src"]
        assert "'self'" in script_src, name
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, name
        assert policy["style-src"] == ["'self'"], name
        assert policy["default-src"] == ["'self'"], name
        assert policy["object-src"] == ["'none'"], name
        assert policy["base-uri"] == ["'self'"], name
        assert policy["form-action"] == ["'self'"], name
        assert policy["frame-ancestors"] == ["'none'"], name

        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["X-Frame-Options"] == "DENY", name
        permissions = response["Permissions-Policy"]
        for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()"):
            assert feature in permissions, name


def inline_script_source(text):
    """The script-src source that allows an inline script with this text (CSP level 2 hashes)."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def test_public_pages_hold_nothing_the_policy_would_block(client, public_urls):
    for name, url in public_urls.items():
        response = client.get(url)
        allowed = directives(response)["script-src"]
        html = BeautifulSoup(response.content.decode(), "html.parser")
        for script in html.find_all("script"):
            if script.get("src") or script.get("type") == "application/json":
                continue
            assert inline_script_source(script.string) in allowed, f"inline script on {name}: {script.string}"
        assert not html.select("[style]"), f"style attribute on {name}"
        assert not html.find_all("style"), f"<style> element on {name}"
        handlers = [attr for tag in html.find_all(True) for attr in tag.attrs if attr.startswith("on")]
        assert handlers == [], f"event handler attributes on {name}"


def test_pages_are_marked_for_the_design_systems_scripts_before_anything_is_drawn(client, public_urls):
    """The body's nhsuk-frontend-supported class is set by the body's first element, as the
    NHS.UK page template does: set later, by a module script, the header is drawn first without
    its JavaScript styles and then shrinks, moving the page up (a layout shift on every page)."""
    for name, url in public_urls.items():
        response = client.get(url)
        body = BeautifulSoup(response.content.decode(), "html.parser").body
        first = body.find(True)
        assert first.name == "script" and not first.get("src"), name
        assert "nhsuk-frontend-supported" in first.string and "document.body.className" in first.string, name
        assert inline_script_source(first.string) in directives(response)["script-src"], name
        assert not first.find_previous_sibling(True), name


def test_the_strict_policy_holds_for_a_signed_in_editor_with_the_wagtail_userbar(client, home):
    editor = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(editor)
    response = client.get("/")
    assert "wagtail-userbar" in response.content.decode()
    assert "'unsafe-inline'" not in directives(response)["script-src"]


def test_the_admin_gets_its_looser_policy_and_may_frame_its_own_previews(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response)
    # Wagtail's admin still has inline scripts and styles (inline panels, date pickers).
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    # Page previews are shown in a same-origin frame inside the editor.
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["frame-src"] == ["'self'"]
    # Still closed to other sites.
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    everywhere = {source for sources in policy.values() for source in sources}
    assert not everywhere & {"*", "https:", "http:", "'unsafe-eval'"}
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_admin_avatars_do_not_send_editors_email_hashes_to_gravatar(admin_client):
    assert "gravatar" not in admin_client.get("/admin/").content.decode()


def test_the_admin_policy_covers_only_the_admin(admin_client):
    """A public page seen by an administrator keeps the strict policy."""
    assert "'unsafe-inline'" not in directives(admin_client.get("/"))["script-src"]
    assert "'unsafe-inline'" not in directives(admin_client.get("/administration-help/"))["script-src"]
