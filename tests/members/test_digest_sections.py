"""Sections that apps above members add to the digest, registered from their ``AppConfig.ready``."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from portal.members import digests
from portal.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MemberFactory(
        wants_digest=True, decided_at=timezone.now() - timedelta(days=30), user__email="reader@example.org"
    )


def test_improvement_registers_its_started_testing_section():
    from portal.improvement.digests import started_testing_for

    [section] = [section for section in digests._sections.values() if section.links is started_testing_for]
    assert section.heading == "Organisations like yours started testing"


def test_a_registered_section_with_links_sends_a_digest_and_escapes_its_text(member, monkeypatch):
    monkeypatch.setattr(digests, "_sections", dict(digests._sections))
    digests.register_section(
        "quiet",
        digests.DigestSection(position=1, heading="Nothing here", links=lambda profile, since, until: []),
    )
    digests.register_section(
        "visits",
        digests.DigestSection(
            position=20,
            heading="Peer visits near you",
            links=lambda profile, since, until: [
                digests.DigestLink(lead="Alder <House>", title="Falls huddle", url="https://example.org/v/")
            ],
        ),
    )
    call_command("send_digests", stdout=StringIO())

    [email] = mail.outbox
    assert "Peer visits near you:\n- Alder <House>: Falls huddle\n  https://example.org/v/\n" in email.body
    assert "Nothing here" not in email.body
    html = email.alternatives[0][0]
    assert "Alder &lt;House&gt;: <a" in html and ">Falls huddle</a>" in html
